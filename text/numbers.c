/* numbers.c -- English number words: cardinals, ordinals, years, digit
 * pairs for identifiers, plurals of the last word. Strings only, into the
 * caller's buffer; nothing here knows about tokens. */
#include <stdio.h>
#include <string.h>

#include "text/text_impl.h"

static const char *const ones[20] = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
    "sixteen", "seventeen", "eighteen", "nineteen"};
static const char *const tens[10] = {"", "", "twenty", "thirty", "forty",
                                     "fifty", "sixty", "seventy", "eighty",
                                     "ninety"};

const char *text_digit_word(int d) {
  return (d >= 0 && d <= 9) ? ones[d] : "";
}

typedef struct sbuf {
  char *p;
  size_t cap, len;
  int bad;
} sbuf;

static void put(sbuf *b, const char *w) {
  size_t n = strlen(w);
  size_t need = n + (b->len ? 1 : 0);
  if (b->bad || b->len + need + 1 > b->cap) {
    b->bad = 1;
    return;
  }
  if (b->len) b->p[b->len++] = ' ';
  memcpy(b->p + b->len, w, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void below_thousand(sbuf *b, unsigned n) {
  if (n >= 100) {
    put(b, ones[n / 100]);
    put(b, "hundred");
    n %= 100;
    if (!n) return;
  }
  if (n < 20) {
    put(b, ones[n]);
  } else {
    put(b, tens[n / 10]);
    if (n % 10) put(b, ones[n % 10]);
  }
}

static void finish(sbuf *b) {
  if (b->bad && b->cap) b->p[0] = '\0';
}

void text_num_cardinal(uint64_t n, char *buf, size_t cap) {
  static const char *const scale[] = {"", "thousand", "million", "billion",
                                      "trillion"};
  sbuf b = {buf, cap, 0, 0};
  if (cap) buf[0] = '\0';
  if (n >= TEXT_NUM_MAX) {
    b.bad = 1;
    finish(&b);
    return;
  }
  if (n == 0) {
    put(&b, "zero");
    finish(&b);
    return;
  }
  unsigned groups[5];
  int ng = 0;
  while (n && ng < 5) {
    groups[ng++] = (unsigned)(n % 1000);
    n /= 1000;
  }
  for (int g = ng - 1; g >= 0; g--) {
    if (!groups[g]) continue;
    below_thousand(&b, groups[g]);
    if (g) put(&b, scale[g]);
  }
  finish(&b);
}

/* last word of buf to its ordinal form */
void text_num_ordinalize(char *buf, size_t cap) {
  static const struct { const char *c, *o; } irr[] = {
      {"one", "first"}, {"two", "second"}, {"three", "third"},
      {"five", "fifth"}, {"eight", "eighth"}, {"nine", "ninth"},
      {"twelve", "twelfth"}};
  char *last = strrchr(buf, ' ');
  last = last ? last + 1 : buf;
  size_t pre = (size_t)(last - buf);
  size_t n = strlen(last);
  if (!n) return;
  for (size_t i = 0; i < sizeof irr / sizeof irr[0]; i++) {
    if (strcmp(last, irr[i].c) == 0) {
      if (pre + strlen(irr[i].o) + 1 > cap) { buf[0] = '\0'; return; }
      strcpy(last, irr[i].o);
      return;
    }
  }
  if (last[n - 1] == 'y') { /* twenty -> twentieth */
    if (pre + n + 4 > cap) { buf[0] = '\0'; return; }
    strcpy(last + n - 1, "ieth");
    return;
  }
  if (pre + n + 3 > cap) { buf[0] = '\0'; return; }
  strcpy(last + n, "th");
}

void text_num_ordinal(uint64_t n, char *buf, size_t cap) {
  text_num_cardinal(n, buf, cap);
  if (buf[0]) text_num_ordinalize(buf, cap);
}

/* last word of buf plural: twenty -> twenties, hundred -> hundreds */
void text_num_plural(char *buf, size_t cap) {
  char *last = strrchr(buf, ' ');
  last = last ? last + 1 : buf;
  size_t pre = (size_t)(last - buf), n = strlen(last);
  if (!n) return;
  if (strcmp(last, "six") == 0) { /* sixes */
    if (pre + n + 3 > cap) { buf[0] = '\0'; return; }
    strcpy(last + n, "es");
    return;
  }
  if (last[n - 1] == 'y') {
    if (pre + n + 3 > cap) { buf[0] = '\0'; return; }
    strcpy(last + n - 1, "ies");
    return;
  }
  if (pre + n + 2 > cap) { buf[0] = '\0'; return; }
  strcpy(last + n, "s");
}

/* Years as US readers say them: 1984 nineteen eighty four, 1905 nineteen
 * oh five, 1900 nineteen hundred, 2000 two thousand, 2008 two thousand
 * eight, 2010 twenty ten. Outside 1000..9999: the cardinal. */
void text_num_year(uint64_t n, char *buf, size_t cap) {
  if (n < 1000 || n > 9999 || n % 1000 == 0 || (n >= 2000 && n < 2010)) {
    text_num_cardinal(n, buf, cap);
    return;
  }
  text_num_pairs(n, 4, buf, cap);
}

/* Digits read in pairs, as in identifiers and years: 747 seven forty
 * seven, 101 one oh one, 1204 twelve oh four, 300 three hundred. */
void text_num_pairs(uint64_t n, size_t ndigits, char *buf, size_t cap) {
  sbuf b = {buf, cap, 0, 0};
  if (cap) buf[0] = '\0';
  if (ndigits != 3 && ndigits != 4) {
    text_num_cardinal(n, buf, cap);
    return;
  }
  unsigned hi = (unsigned)(n / 100), lo = (unsigned)(n % 100);
  if (ndigits == 3 || hi < 10) put(&b, ones[hi % 10]);
  else below_thousand(&b, hi);
  if (lo == 0) {
    put(&b, "hundred");
  } else if (lo < 10) {
    put(&b, "oh");
    put(&b, ones[lo]);
  } else {
    below_thousand(&b, lo);
  }
  finish(&b);
}
