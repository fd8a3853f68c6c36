/* classify.c -- the verbalizers: decide what each raw piece (or a run of
 * them: "Jan. 5, 2021", "$1.2 billion", "3:30 pm", "5 km") is, and say it
 * in words the way a careful US English reader would. Context comes from
 * the neighbouring pieces only (the word before and after, sentence start,
 * whether the whole text is in capitals).
 *
 * Every piece ends up in exactly one token; a token that cannot be read
 * gets a per-token error and no invented words. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "text/text_impl.h"
#include "text/tables.h"

#define NB 160 /* scratch for the words of one number */

/* --- views of raw pieces ------------------------------------------------- */

static const char *S(const text_ctx *c, uint32_t i) { return c->rbuf + c->raw[i].s_off; }
static size_t L(const text_ctx *c, uint32_t i) { return c->raw[i].s_len; }
static int P(const text_ctx *c, uint32_t i) { return i < c->n_raw && c->raw[i].punct; }
static int isdig(int ch) { return ch >= '0' && ch <= '9'; }
static int isup(int ch) { return ch >= 'A' && ch <= 'Z'; }
static int islow(int ch) { return ch >= 'a' && ch <= 'z'; }
static int isalp(int ch) { return isup(ch) || islow(ch); }

/* Piece i is w, in any case. Inlined, so strlen(w) of a literal folds; the
 * first byte (lower-cased) filters before the call. */
static inline int raw_is(const text_ctx *c, uint32_t i, const char *w) {
  return i < c->n_raw && L(c, i) == strlen(w) && (S(c, i)[0] | 0x20) == (w[0] | 0x20) &&
         strncasecmp(S(c, i), w, L(c, i)) == 0;
}

static int all_digits(const char *s, size_t n) {
  if (!n) return 0;
  for (size_t i = 0; i < n; i++)
    if (!isdig((unsigned char)s[i])) return 0;
  return 1;
}

static uint64_t digits_value(const char *s, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n && i < 18; i++) v = v * 10 + (uint64_t)(s[i] - '0');
  return v;
}

static int all_alpha(const char *s, size_t n) {
  if (!n) return 0;
  for (size_t i = 0; i < n; i++)
    if (!isalp((unsigned char)s[i])) return 0;
  return 1;
}

static int all_upper(const char *s, size_t n) {
  if (!n) return 0;
  for (size_t i = 0; i < n; i++)
    if (!isup((unsigned char)s[i])) return 0;
  return 1;
}

static int has_vowel(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strchr("aeiouyAEIOUY", s[i]) && s[i]) return 1;
  return 0;
}

/* Capitalised word: "Smith", "Louis", "Mary's" (not all capitals) */
static int cap_word(const text_ctx *c, uint32_t i) {
  if (i >= c->n_raw || P(c, i)) return 0;
  const char *s = S(c, i);
  size_t n = L(c, i);
  if (n < 2 || !isup((unsigned char)s[0])) return 0;
  int lower = 0;
  for (size_t k = 1; k < n; k++) {
    if (islow((unsigned char)s[k])) lower = 1;
    else if (!isup((unsigned char)s[k]) && s[k] != '\'' && s[k] != '-') return 0;
  }
  return lower;
}

static int sentence_initial(const text_ctx *c, uint32_t i) {
  while (i > 0) {
    i--;
    if (!P(c, i)) return 0;
    char ch = S(c, i)[L(c, i) - 1];
    if (ch == '.' || ch == '!' || ch == '?' || ch == ':') return 1;
    if (ch != '"' && ch != '\'' && ch != '(' && ch != '[' && ch != '*') return 0;
  }
  return 1;
}

/* the key of a word piece in lower case, or 0 when it is not a-z' */
static int key_of(const char *s, size_t n, char *key, size_t cap) {
  return text_fold_key(s, n, key, cap);
}

static int in_dict(const text_ctx *c, const char *key, size_t n) {
  return c->has && n > 0 && c->has(c->opaque, key, n);
}

/* --- numbers ------------------------------------------------------------- */

typedef struct num {
  int sign;          /* -1 minus, +1 written plus, 0 none */
  uint64_t ip;       /* integer part */
  size_t int_digits; /* digits before the point (no commas) */
  int commas;
  int lead_zero;     /* "007": integer part has a leading zero */
  const char *frac;  /* digits after the point, or NULL */
  size_t frac_n;
  const char *int_s; /* digits of the integer part as written (may have commas) */
  size_t int_n;
} num;

/* Parses a number at s: [-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?; returns the
 * bytes it used (0: none). */
static size_t parse_num(const char *s, size_t n, num *v) {
  size_t i = 0;
  memset(v, 0, sizeof *v);
  if (i < n && (s[i] == '-' || s[i] == '+')) {
    v->sign = s[i] == '-' ? -1 : 1;
    i++;
  }
  size_t a = i;
  v->int_s = s + i;
  while (i < n && isdig((unsigned char)s[i])) i++;
  size_t first = i - a;
  if (first > 0 && first <= 3) {
    /* thousands groups */
    size_t j = i;
    int groups = 0;
    while (j + 3 < n + 0 && j < n && s[j] == ',' && j + 3 < n + 1 &&
           all_digits(s + j + 1, 3) && !(j + 4 < n && isdig((unsigned char)s[j + 4]))) {
      j += 4;
      groups++;
    }
    if (groups) {
      i = j;
      v->commas = groups;
    }
  }
  v->int_n = (size_t)(s + i - v->int_s);
  for (size_t k = 0; k < v->int_n; k++) {
    if (v->int_s[k] == ',') continue;
    if (v->int_digits == 0 && v->int_s[k] == '0' && v->int_n > 1) v->lead_zero = 1;
    if (v->int_digits < 18) v->ip = v->ip * 10 + (uint64_t)(v->int_s[k] - '0');
    v->int_digits++;
  }
  if (i + 1 < n + 0 && s[i] == '.' && i + 1 < n && isdig((unsigned char)s[i + 1])) {
    size_t f = i + 1;
    while (f < n && isdig((unsigned char)s[f])) f++;
    v->frac = s + i + 1;
    v->frac_n = f - i - 1;
    i = f;
  }
  if (v->int_digits == 0 && !v->frac) return 0;
  if (v->lead_zero && (v->frac || v->commas)) v->lead_zero = 0; /* 0.5 */
  if (v->int_digits == 1 && v->ip == 0) v->lead_zero = 0;
  return i;
}

static void say_digits(text_ctx *c, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (isdig((unsigned char)s[i])) text_say(c, text_digit_word(s[i] - '0'));
}

static void say_cardinal(text_ctx *c, uint64_t v) {
  char b[NB];
  text_num_cardinal(v, b, sizeof b);
  text_say(c, b);
}

/* a parsed number as a cardinal or decimal: minus five, three point one four */
static void say_num(text_ctx *c, const num *v) {
  if (v->sign < 0) text_say(c, "minus");
  if (v->sign > 0) text_say(c, "plus");
  if (v->int_digits > 15) {
    say_digits(c, v->int_s, v->int_n);
  } else if (v->int_digits > 0) {
    if (v->lead_zero) say_digits(c, v->int_s, v->int_n);
    else say_cardinal(c, v->ip);
  } else if (v->frac) {
    /* ".5": point five */
  }
  if (v->frac) {
    text_say(c, "point");
    say_digits(c, v->frac, v->frac_n);
  }
}

/* a range of numbers and what they count: five to six percent (word NULL:
 * none) */
static void say_num_range(text_ctx *c, const num *a, const num *b, const char *word) {
  say_num(c, a);
  text_say(c, "to");
  say_num(c, b);
  if (word) text_say(c, word);
}

static int whole_num(const char *s, size_t n, num *v) {
  return n > 0 && parse_num(s, n, v) == n;
}

static int raw_num(const text_ctx *c, uint32_t i, num *v) {
  return i < c->n_raw && !P(c, i) && whole_num(S(c, i), L(c, i), v);
}

static int is_one(const num *v) {
  return v->int_digits > 0 && v->ip == 1 && !v->frac && v->sign == 0;
}

/* --- tokens -------------------------------------------------------------- */

/* Starts a token over raw pieces [i, j). */
static void begin(text_ctx *c, unsigned kind, uint32_t i, uint32_t j) {
  if (c->overflow) return;
  if (c->n_tokens >= c->lim.max_tokens) {
    c->overflow = TEXT_ETOKENS;
    return;
  }
  text_token *t = &c->tokens[c->n_tokens++];
  uint32_t fa = c->raw[i].fa, fb = c->raw[j - 1].fb;
  t->start = c->fs[fa];
  t->end = c->fe[fb - 1];
  t->byte_start = c->obyte[t->start];
  t->byte_end = c->obyte[t->end];
  t->kind = (uint8_t)kind;
  t->error = 0;
  t->first_word = c->n_words;
  t->n_words = 0;
}

/* readers defined further down that earlier ones consult */
static const text_unit *unit_apart(const text_ctx *c, uint32_t j);
static int word_before_is(const text_ctx *c, uint32_t i, const char *const *list);
static int weekday(const char *s, size_t n);
static int next_is_plural_word(const text_ctx *c, uint32_t j);

/* The last token said, when it ends with piece i - 1; NULL otherwise */
static const text_token *token_before(const text_ctx *c, uint32_t i) {
  if (i == 0 || !c->n_tokens || c->overflow) return NULL;
  const text_token *t = &c->tokens[c->n_tokens - 1];
  return t->end == c->fe[c->raw[i - 1].fb - 1] ? t : NULL;
}

static void set_kind(text_ctx *c, unsigned kind) {
  if (c->n_tokens && !c->overflow) c->tokens[c->n_tokens - 1].kind = (uint8_t)kind;
}

static void set_error(text_ctx *c, unsigned e) {
  if (c->n_tokens && !c->overflow) c->tokens[c->n_tokens - 1].error = (uint8_t)e;
}

/* --- letters and words ---------------------------------------------------- */

/* spelled letters; a trailing "s" (CDs) or "'s" (FBI's) makes the last
 * letter's name plural */
static void spell(text_ctx *c, const char *s, size_t n) {
  size_t m = n;
  int plural = 0;
  if (m >= 3 && s[m - 2] == '\'' && (s[m - 1] == 's' || s[m - 1] == 'S')) {
    m -= 2;
    plural = 1;
  } else if (m >= 2 && s[m - 1] == 's' && all_upper(s, m - 1)) {
    m -= 1;
    plural = 1;
  }
  size_t last = m;
  for (size_t i = 0; i < m; i++)
    if (isalp((unsigned char)s[i])) last = i;
  for (size_t i = 0; i < m; i++) {
    if (!isalp((unsigned char)s[i])) continue;
    if (plural && i == last) {
      char w[4] = {(char)(s[i] | 0x20), '\'', 's', 0};
      const char *ph = text_letter_phones_z(s[i]);
      /* the plural letter name is one spoken word */
      if (c->n_words < c->lim.max_words && c->wbuf_len + 4 <= c->wbuf_cap && !c->overflow) {
        char *dst = c->wbuf + c->wbuf_len;
        memcpy(dst, w, 4);
        text_word *tw = &c->words[c->n_words++];
        tw->text = dst;
        tw->len = 3;
        tw->say = TEXT_SAY_LETTER;
        tw->phones = ph;
        c->wbuf_len += 4;
        c->tokens[c->n_tokens - 1].n_words++;
      } else {
        c->overflow = TEXT_EWORDS;
      }
    } else {
      text_say_letter(c, s[i]);
    }
  }
}

/* Four capitals alternating consonant and vowel (FOMO, MIDI) are said as a
 * word; initialisms of four letters almost never take that shape. */
static int cvcv4(const char *s, size_t n) {
  if (n != 4) return 0;
  for (size_t i = 0; i < 4; i++)
    if ((strchr("AEIOU", s[i]) != NULL) != (i % 2 == 1)) return 0;
  return 1;
}

/* Two capitals said as a word in mixed-case text: the short words that
 * are written in capitals for emphasis (NO, OK, ME). Any other pair is an
 * initialism even where the dictionary has a word so spelled (UN, LA, AI,
 * IT, US). */
static int caps2_word(const char *s) {
  static const char pairs[][3] = {"OK", "NO", "SO", "GO", "DO", "UP", "BE", "MY", "IS",
                                  "AT", "ON", "AN", "IF", "OF", "TO", "WE", "HE", "AS",
                                  "BY", "OH", "HI", "ME", "OR", "IN"};
  for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++)
    if (s[0] == pairs[k][0] && s[1] == pairs[k][1]) return 1;
  return 0;
}

/* One letters-only part of a word (no digits): a dictionary word, an
 * initialism, or a word for the network. Returns the kind it reads as. */
static unsigned say_alpha(text_ctx *c, const char *s, size_t n, int force_word) {
  char key[TEXT_KEY_MAX + 1];
  int kn = key_of(s, n, key, sizeof key);
  if (kn < 0) {
    set_error(c, n > TEXT_KEY_MAX ? TEXT_TOKEN_TOOLONG : TEXT_TOKEN_UNREADABLE);
    return TEXT_KIND_WORD;
  }
  size_t core = n;
  if (core >= 2 && s[core - 2] == '\'' && (s[core - 1] == 's' || s[core - 1] == 'S')) core -= 2;
  else if (core >= 2 && s[core - 1] == 's' && all_upper(s, core - 1)) core -= 1;
  int caps = core >= 2 && all_upper(s, core);
  if (caps && !c->shouting && !force_word) {
    if (core == 2 && !caps2_word(s)) { /* US, UN, LA, AI, IT: letters */
      spell(c, s, n);
      return TEXT_KIND_INITIALISM;
    }
    if (in_dict(c, key, (size_t)kn)) {
      text_say_n(c, key, (size_t)kn);
      return has_vowel(s, core) ? TEXT_KIND_ACRONYM : TEXT_KIND_INITIALISM;
    }
    if ((core <= 4 && !cvcv4(s, core)) || !has_vowel(s, core)) {
      spell(c, s, n);
      return TEXT_KIND_INITIALISM;
    }
    text_say_n(c, key, (size_t)kn);
    return TEXT_KIND_ACRONYM;
  }
  if (in_dict(c, key, (size_t)kn) || force_word) {
    text_say_n(c, key, (size_t)kn);
    return TEXT_KIND_WORD;
  }
  /* words of letters written short without a vowel, as e-mail writes them */
  static const char *const short_words[][2] = {
      {"thx", "thanks"},   {"pls", "please"},     {"plz", "please"},
      {"rgds", "regards"}, {"msg", "message"},    {"mgmt", "management"},
      {"pkg", "package"},  {"qty", "quantity"},   {"mtg", "meeting"},
      {"mgr", "manager"},  {"acct", "account"},   {"intl", "international"}};
  if (kn >= 3 && kn <= 4 && !has_vowel(key, (size_t)kn))
    for (size_t k = 0; k < sizeof short_words / sizeof short_words[0]; k++)
      if (!strcmp(key, short_words[k][0])) {
        text_say(c, short_words[k][1]);
        return TEXT_KIND_ABBREVIATION;
      }
  /* no vowel and not in the dictionary: spelled (pwd, Dvd's) */
  if (kn >= 2 && !has_vowel(key, (size_t)kn) && !strchr(key, '\'')) {
    spell(c, s, n);
    return TEXT_KIND_INITIALISM;
  }
  /* a clipped trailing apostrophe (nothin') is not part of the key, nor a
   * plural's possessive one (the Smiths': said as smiths) */
  if (kn >= 2 && key[kn - 1] == '\'') kn--;
  text_say_n(c, key, (size_t)kn);
  return TEXT_KIND_WORD;
}

/* identifier digits: 66 sixty six, 747 seven forty seven, 1204 twelve oh
 * four, longer runs digit by digit */
static void say_ident_digits(text_ctx *c, const char *s, size_t n) {
  char b[NB];
  if (n >= 2 && s[0] == '0') {
    say_digits(c, s, n);
  } else if (n == 4 && digits_value(s, 4) % 1000 == 0) { /* D7000: seven thousand */
    say_cardinal(c, digits_value(s, 4));
  } else if (n <= 2) {
    say_cardinal(c, digits_value(s, n));
  } else if (n <= 4) {
    text_num_pairs(digits_value(s, n), n, b, sizeof b);
    text_say(c, b);
  } else {
    say_digits(c, s, n);
  }
}

/* The code point at s (n > 0 bytes of the folded UTF-8 the tokenizer
 * wrote, so well formed); *len its bytes. */
static uint32_t code_point(const char *s, size_t n, size_t *len) {
  uint32_t cp = (unsigned char)s[0];
  *len = 1;
  if (cp >= 0x80) {
    if ((cp & 0xe0) == 0xc0 && n > 1) {
      cp = ((cp & 0x1f) << 6) | (s[1] & 0x3f);
      *len = 2;
    } else if ((cp & 0xf0) == 0xe0 && n > 2) {
      cp = ((cp & 0x0f) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f);
      *len = 3;
    } else if (n > 3) {
      cp = ((cp & 0x07) << 18) | ((s[1] & 0x3f) << 12) | ((s[2] & 0x3f) << 6) | (s[3] & 0x3f);
      *len = 4;
    }
  }
  return cp;
}

/* The exponent at s: an optional minus, then digits, the whole of n bytes;
 * said "squared", "cubed" or "to the power of" it */
static int say_exponent(text_ctx *c, const char *s, size_t n, int plain) {
  int neg = n > 1 && s[0] == '-';
  if (n - (size_t)neg == 0 || n - (size_t)neg > 4 || !all_digits(s + neg, n - (size_t)neg))
    return 0;
  uint64_t e = digits_value(s + neg, n - (size_t)neg);
  if (!plain && !neg && e == 2) text_say(c, "squared");
  else if (!plain && !neg && e == 3) text_say(c, "cubed");
  else {
    text_say(c, "to the power of");
    if (neg) text_say(c, "minus");
    say_cardinal(c, e);
  }
  return 1;
}

/* >=, <=, !=: two ASCII signs read as one relation; NULL when s holds none */
static const char *sign_pair(const char *s, size_t n) {
  if (n < 2 || s[1] != '=') return NULL;
  return s[0] == '>' ? "greater than or equal to" : s[0] == '<' ? "less than or equal to"
         : s[0] == '!' ? "not equal to" : NULL;
}

/* letters and digits mixed: A380, MP3, COVID-19, 3D, F-16, B2B */
static void say_alnum(text_ctx *c, const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    num g;
    size_t gn;
    if (isdig((unsigned char)s[i]) && (gn = parse_num(s + i, n - i, &g)) && g.commas &&
        !g.sign) { /* >100,000: a number with its thousands commas */
      say_num(c, &g);
      i += gn;
      continue;
    }
    if (isdig((unsigned char)s[i])) {
      while (j < n && isdig((unsigned char)s[j])) j++;
      size_t rest = j < n ? (size_t)(strcspn(s + j, "-/.") < n - j ? strcspn(s + j, "-/.") : n - j) : 0;
      if (rest == 2 && j - i <= 15 &&
          (!strncasecmp(s + j, "st", 2) || !strncasecmp(s + j, "nd", 2) ||
           !strncasecmp(s + j, "rd", 2) || !strncasecmp(s + j, "th", 2))) {
        char b[NB]; /* 1st-grade: first grade */
        text_num_ordinal(digits_value(s + i, j - i), b, sizeof b);
        text_say(c, b);
        i = j + 2;
        continue;
      }
      if (rest == 3 && !strncasecmp(s + j, "ers", 3) && j - i <= 3 && s[i] != '0') {
        char b[NB]; /* 49ers, 76ers: forty niners, seventy sixers */
        text_num_cardinal(digits_value(s + i, j - i), b, sizeof b);
        size_t bn = strlen(b);
        const char *suf = bn && b[bn - 1] == 'e' ? "rs" : "ers";
        if (bn + strlen(suf) < sizeof b) strcat(b, suf);
        text_say(c, b);
        i = j + 3;
        continue;
      }
      if (rest == 1 && (s[j] == 's' || s[j] == 'S') && j - i <= 15 && s[i] != '0') {
        char b[NB]; /* 2 x 4s: fours; mid-1990s: nineteen nineties */
        uint64_t v = digits_value(s + i, j - i);
        if (j - i == 4 && v >= 1100 && v <= 2099) text_num_year(v, b, sizeof b);
        else text_num_cardinal(v, b, sizeof b);
        text_num_plural(b, sizeof b);
        text_say(c, b);
        i = j + 1;
        continue;
      }
      uint64_t yv = j - i == 4 ? digits_value(s + i, 4) : 0;
      if (j - i == 2 && s[i] == '0' && i > 0 && isalp((unsigned char)s[i - 1])) {
        text_say(c, "oh"); /* FY05: f y oh five */
        text_say(c, text_digit_word(s[i + 1] - '0'));
      } else if (yv >= 1100 && yv <= 2099 && j == n && i >= 2 && s[i - 1] == '-' &&
                 isalp((unsigned char)s[i - 2])) {
        char yw[NB]; /* mid-2004, post-1990: a year */
        text_num_year(yv, yw, sizeof yw);
        text_say(c, yw);
      } else {
        say_ident_digits(c, s + i, j - i);
      }
      if (j + 1 < n && s[j] == '.' && isdig((unsigned char)s[j + 1])) {
        text_say(c, "point");
        j++;
      }
    } else if (isalp((unsigned char)s[i])) {
      while (j < n && (isalp((unsigned char)s[j]) || s[j] == '\'')) j++;
      if (j - i == 1) text_say_letter(c, s[i]);
      else say_alpha(c, s + i, j - i, 0);
    } else if (sign_pair(s + i, n - i)) { /* x>=3 */
      text_say(c, sign_pair(s + i, n - i));
      j = i + 2;
    } else if ((s[i] == '<' || s[i] == '>') && i + 1 < n && s[i + 1] == s[i]) {
      while (j < n && s[j] == s[i]) j++; /* <<report.doc>>: brackets, silent */
    } else if (s[i] == '^' && i > 0 && i + 1 < n) { /* a^2+b^2: the exponent's digits */
      size_t e = i + 1 + (s[i + 1] == '-');
      while (e < n && isdig((unsigned char)s[e])) e++;
      if (!say_exponent(c, s + i + 1, e - i - 1, 0)) e = i + 1;
      j = e;
    } else { /* a symbol among them: ±5%, √16 */
      size_t len;
      uint32_t cp = code_point(s + i, n - i, &len);
      const char *r = text_symbol_reading(cp);
      if (r && s[i] != '#' && s[i] != '%') text_say(c, r);
      else if (s[i] == '%') text_say(c, "percent");
      j = i + len;
    }
    i = j;
  }
}

/* --- the classes ------------------------------------------------------------ */

/* The currencies read: the sign written against an amount ($, US$, €, ₹)
 * and the ISO code written apart from it (USD 100, 100 EUR), either NULL;
 * the names of one, many, and of the sub-unit (NULL: none said). Codes are
 * matched in capitals only; PHP and TRY are left out as codes (a language,
 * a word). */
typedef struct currency {
  const char *sign, *code, *one, *many, *sub1, *subn;
} currency;
static const currency currencies[] = {
    {"US$", "USD", "dollar", "dollars", "cent", "cents"},
    {"$", NULL, "dollar", "dollars", "cent", "cents"},
    {"A$", "AUD", "australian dollar", "australian dollars", "cent", "cents"},
    {"AU$", NULL, "australian dollar", "australian dollars", "cent", "cents"},
    {"C$", "CAD", "canadian dollar", "canadian dollars", "cent", "cents"},
    {"CA$", NULL, "canadian dollar", "canadian dollars", "cent", "cents"},
    {"NZ$", "NZD", "new zealand dollar", "new zealand dollars", "cent", "cents"},
    {"HK$", "HKD", "hong kong dollar", "hong kong dollars", "cent", "cents"},
    {"S$", "SGD", "singapore dollar", "singapore dollars", "cent", "cents"},
    {"R$", "BRL", "real", "reais", "centavo", "centavos"},
    {"\xc2\xa3", "GBP", "pound", "pounds", "penny", "pence"},
    {"\xe2\x82\xac", "EUR", "euro", "euros", "cent", "cents"},
    {"\xc2\xa5", "JPY", "yen", "yen", NULL, NULL},
    {NULL, "CNY", "yuan", "yuan", NULL, NULL},
    {NULL, "RMB", "yuan", "yuan", NULL, NULL},
    {"\xe2\x82\xb9", "INR", "rupee", "rupees", "paisa", "paise"},
    {"Rs.", NULL, "rupee", "rupees", "paisa", "paise"}, /* Rs.500, before Rs */
    {"Rs", "Rs", "rupee", "rupees", "paisa", "paise"},  /* Rs500, Rs. 500 */
    {"\xe2\x82\xa9", "KRW", "won", "won", NULL, NULL},
    {"\xe2\x82\xbd", "RUB", "ruble", "rubles", "kopek", "kopeks"},
    {"\xe2\x82\xba", NULL, "lira", "lira", "kurus", "kurus"},
    {"\xe2\x82\xb1", NULL, "peso", "pesos", "centavo", "centavos"},
    {NULL, "MXN", "peso", "pesos", "centavo", "centavos"},
    {NULL, "CHF", "swiss franc", "swiss francs", "centime", "centimes"},
    {NULL, "ZAR", "rand", "rand", "cent", "cents"},
    {NULL, "SEK", "krona", "kronor", NULL, NULL},
    {NULL, "NOK", "krone", "kroner", NULL, NULL},
    {NULL, "DKK", "krone", "kroner", NULL, NULL}};

static int money_symbol(const char *s, size_t n, size_t *len, const char **one,
                        const char **many, const char **sub1, const char **subn) {
  if (n < 2 || !strchr("$UACNHSR\xc2\xe2", s[0])) return 0; /* the signs' first bytes */
  for (size_t k = 0; k < sizeof currencies / sizeof currencies[0]; k++) {
    const currency *cu = &currencies[k];
    if (!cu->sign || cu->sign[0] != s[0]) continue;
    size_t m = strlen(cu->sign);
    if (n > m && memcmp(s, cu->sign, m) == 0) {
      *len = m;
      *one = cu->one;
      *many = cu->many;
      *sub1 = cu->sub1;
      *subn = cu->subn;
      return 1;
    }
  }
  return 0;
}

static const char *scale_word(const char *s, size_t n) {
  static const char *const w[] = {"thousand", "million", "billion", "trillion"};
  for (size_t k = 0; k < 4; k++)
    if (strlen(w[k]) == n && strncasecmp(w[k], s, n) == 0) return w[k];
  return NULL;
}

/* The scales written short and apart after an amount of money: $5 m,
 * £2 bn, $50 k */
static const char *scale_abbr(const char *s, size_t n) {
  static const char *const w[][2] = {{"k", "thousand"}, {"K", "thousand"},
                                     {"m", "million"},  {"M", "million"},
                                     {"mn", "million"}, {"bn", "billion"}};
  for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
    if (strlen(w[k][0]) == n && memcmp(w[k][0], s, n) == 0) return w[k][1];
  return NULL;
}

/* One amount in a currency: three dollars and fifty cents, ninety nine
 * cents, two point five three dollars (three decimals: no sub-unit). */
static void say_amount(text_ctx *c, const num *v, const char *one, const char *many,
                       const char *sub1, const char *subn) {
  uint64_t sub = 0;
  int has_sub = 0;
  if (v->frac && (v->frac_n == 2 || v->frac_n == 1) && sub1) {
    sub = digits_value(v->frac, v->frac_n) * (v->frac_n == 1 ? 10 : 1);
    has_sub = 1;
  } else if (v->frac) {
    say_num(c, v);
    text_say(c, many);
    return;
  }
  if (v->ip > 0 || !has_sub || sub == 0) {
    say_num(c, &(num){.ip = v->ip, .int_digits = v->int_digits ? v->int_digits : 1,
                      .int_s = v->int_s, .int_n = v->int_n});
    text_say(c, (v->ip == 1) ? one : many);
    if (has_sub && sub) text_say(c, "and");
  }
  if (has_sub && sub) {
    say_cardinal(c, sub);
    text_say(c, sub == 1 ? sub1 : subn);
  }
}

/* $3.50, £20, €5, $1.2 billion, $5M, $5-10. Returns pieces used, 0 if not
 * money. */
static uint32_t try_money(text_ctx *c, uint32_t i) {
  const char *s = S(c, i), *one, *many, *sub1, *subn;
  size_t n = L(c, i), m;
  num v;
  int neg = n == 2 && s[0] == '-' && s[1] == '$';
  if ((n == 1 && s[0] == '$') || neg) { /* $ 3,500,000, -$ 250: the sign apart */
    if (!raw_num(c, i + 1, &v) || v.sign) return 0;
    begin(c, TEXT_KIND_MONEY, i, i + 2);
    if (neg) text_say(c, "minus");
    say_amount(c, &v, "dollar", "dollars", "cent", "cents");
    return 2;
  }
  if (n > 2 && memcmp(s + n - 2, "\xc2\xa2", 2) == 0 && whole_num(s, n - 2, &v) &&
      !v.sign) { /* 5¢ */
    begin(c, TEXT_KIND_MONEY, i, i + 1);
    say_num(c, &v);
    text_say(c, is_one(&v) ? "cent" : "cents");
    return 1;
  }
  if (!money_symbol(s, n, &m, &one, &many, &sub1, &subn)) return 0;
  size_t used = parse_num(s + m, n - m, &v);
  if (!used || v.sign) return 0;
  const char *scale = NULL;
  size_t rest = n - m - used;
  if (rest > 1 && s[m + used] == '/') { /* $19.99/month, 9/mo */
    static const char *const per[][2] = {
        {"mo", "month"}, {"month", "month"}, {"yr", "year"}, {"year", "year"},
        {"wk", "week"},  {"week", "week"},   {"day", "day"},  {"hr", "hour"},
        {"hour", "hour"}, {"h", "hour"},     {"night", "night"}, {"person", "person"},
        {"kg", "kilogram"}, {"lb", "pound"}, {"ea", "each"}, {"gal", "gallon"},
        {"oz", "ounce"}, {"mi", "mile"}, {"km", "kilometer"}, {"share", "share"},
        {"sh", "share"}, {"user", "user"}, {"seat", "seat"}};
    const char *u = s + m + used + 1;
    size_t un = rest - 1;
    for (size_t k = 0; k < sizeof per / sizeof per[0]; k++)
      if (strlen(per[k][0]) == un && strncasecmp(per[k][0], u, un) == 0) {
        begin(c, TEXT_KIND_MONEY, i, i + 1);
        say_amount(c, &v, one, many, sub1, subn);
        if (strcmp(per[k][1], "each")) text_say(c, "per");
        text_say(c, per[k][1]);
        return 1;
      }
    return 0;
  }
  if (rest > 1 && s[m + used] == '-') { /* $5-10, $5-$10, $5.50-$6 */
    size_t b0 = m + used + 1, m2;
    const char *o2, *y2, *s1, *sn;
    if (money_symbol(s + b0, n - b0, &m2, &o2, &y2, &s1, &sn) && o2 == one) b0 += m2;
    num w;
    if (!whole_num(s + b0, n - b0, &w) || w.sign) return 0;
    const char *sc = i + 1 < c->n_raw && !P(c, i + 1) ? scale_word(S(c, i + 1), L(c, i + 1))
                                                       : NULL;
    if (sc) { /* $1-2 million: one to two million dollars */
      begin(c, TEXT_KIND_MONEY, i, i + 2);
      say_num_range(c, &v, &w, sc);
      text_say(c, many);
      return 2;
    }
    begin(c, TEXT_KIND_MONEY, i, i + 1);
    if (v.frac || w.frac) { /* each amount in full */
      say_amount(c, &v, one, many, sub1, subn);
      text_say(c, "to");
      say_amount(c, &w, one, many, sub1, subn);
    } else { /* five to ten dollars */
      say_num(c, &v);
      text_say(c, "to");
      say_num(c, &w);
      text_say(c, is_one(&w) ? one : many);
    }
    return 1;
  }
  if (rest == 1) {
    char k = s[m + used];
    scale = (k == 'k' || k == 'K') ? "thousand" : (k == 'M' || k == 'm') ? "million"
            : (k == 'B' || k == 'b') ? "billion" : (k == 'T' || k == 't') ? "trillion" : NULL;
    if (!scale) return 0;
  } else if (rest == 2 && !memcmp(s + m + used, "mm", 2)) { /* $15mm: finance's million */
    scale = "million";
  } else if (rest == 2 && strncasecmp(s + m + used, "bn", 2) == 0) {
    scale = "billion";
  } else if (rest == 2 && strncasecmp(s + m + used, "tn", 2) == 0) {
    scale = "trillion";
  } else if (rest) {
    return 0;
  }
  uint32_t j = i + 1;
  if (!scale && j < c->n_raw && !P(c, j) &&
      ((scale = scale_word(S(c, j), L(c, j))) || (scale = scale_abbr(S(c, j), L(c, j)))))
    j++;
  begin(c, TEXT_KIND_MONEY, i, j);
  if (scale) {
    say_num(c, &v);
    text_say(c, scale);
    text_say(c, many);
    return j - i;
  }
  static const char *const attributive[] = {"bill", "bills", "note", "notes", "coin", "coins",
                                            NULL};
  if (!v.frac && j < c->n_raw && !P(c, j)) { /* a $5 bill: five dollar bill */
    for (size_t k = 0; attributive[k]; k++)
      if (raw_is(c, j, attributive[k])) many = one;
  }
  say_amount(c, &v, one, many, sub1, subn);
  return j - i;
}

/* A currency's ISO code, or the rupee's Rs, as piece j (USD 100, 100 EUR,
 * Rs. 500); NULL when it is none. */
static const currency *currency_at(const text_ctx *c, uint32_t j) {
  if (j >= c->n_raw || P(c, j) || L(c, j) < 2 || L(c, j) > 3 || !isup((unsigned char)S(c, j)[0]))
    return NULL;
  const char *s = S(c, j);
  size_t n = L(c, j);
  if (n == 3 && s[2] == '.') n = 2; /* Rs. */
  int caps = n == 3 && isup((unsigned char)s[1]) && isup((unsigned char)s[2]);
  if (n == 2 ? !(s[0] == 'R' && s[1] == 's') : !caps) return NULL;
  for (size_t k = 0; k < sizeof currencies / sizeof currencies[0]; k++) {
    const char *code = currencies[k].code;
    if (code && code[0] == s[0] && strlen(code) == n && memcmp(code, s, n) == 0)
      return &currencies[k];
  }
  return NULL;
}

/* USD 100, CHF 20.50, USD 5 million, Rs. 500, 100 EUR, 5 million EUR: an
 * amount with a currency's code apart from it */
static uint32_t try_currency_code(text_ctx *c, uint32_t i) {
  const currency *cu;
  num v;
  uint32_t j = i + 1, end;
  const char *scale = NULL;
  if (j >= c->n_raw) return 0;
  if (isup((unsigned char)S(c, i)[0])) {
    if (!(cu = currency_at(c, i))) return 0;
    if (raw_is(c, j, ".")) j++; /* Rs . 500: the period cut off */
    if (!raw_num(c, j, &v) || v.sign) return 0;
    end = j + 1;
    if (end < c->n_raw && !P(c, end) && (scale = scale_word(S(c, end), L(c, end)))) end++;
  } else if (isdig((unsigned char)S(c, i)[0]) && !P(c, j)) {
    if (!(cu = currency_at(c, j)) && (scale = scale_word(S(c, j), L(c, j))))
      cu = currency_at(c, ++j);
    if (!cu || !strcmp(cu->code, "Rs") || !raw_num(c, i, &v) || v.sign) return 0;
    end = j + 1;
  } else {
    return 0;
  }
  begin(c, TEXT_KIND_MONEY, i, end);
  if (scale) {
    say_num(c, &v);
    text_say(c, scale);
    text_say(c, cu->many);
  } else {
    say_amount(c, &v, cu->one, cu->many, cu->sub1, cu->subn);
  }
  return end - i;
}

static int ampm(const char *s, size_t n, char *which) {
  if ((n == 2 || (n == 4 && s[1] == '.' && s[3] == '.')) &&
      (s[0] == 'a' || s[0] == 'p' || s[0] == 'A' || s[0] == 'P') &&
      (s[n == 2 ? 1 : 2] | 0x20) == 'm') {
    *which = (char)(s[0] | 0x20);
    return 1;
  }
  return 0;
}

static void say_clock(text_ctx *c, unsigned h, unsigned mnt, int has_min, char ap) {
  say_cardinal(c, h);
  if (has_min && mnt > 0) {
    if (mnt < 10) text_say(c, "oh");
    say_cardinal(c, mnt);
  } else if (!ap && has_min && (h == 0 || h > 12)) { /* 17:00: seventeen hundred */
    text_say(c, "hundred");
  } else if (!ap) {
    text_say(c, "o'clock");
  }
  if (ap) {
    text_say_letter(c, ap);
    text_say_letter(c, 'm');
  }
}

/* One clock time written whole: 9am, 5:30pm, 17:30 (minutes or am/pm
 * needed; a bare hour when bare_ok) */
static int clock_str(const char *s, size_t n, int bare_ok, unsigned *h, unsigned *mnt,
                     int *has_min, char *ap) {
  size_t k = 0;
  while (k < n && k < 3 && isdig((unsigned char)s[k])) k++;
  if (k == 0 || k > 2) return 0;
  *h = (unsigned)digits_value(s, k);
  *mnt = 0;
  *has_min = 0;
  *ap = 0;
  if (k + 3 <= n && s[k] == ':' && all_digits(s + k + 1, 2)) {
    *mnt = (unsigned)digits_value(s + k + 1, 2);
    *has_min = 1;
    k += 3;
  }
  if (k < n && !ampm(s + k, n - k, ap)) return 0;
  if (*mnt > 59 || (*ap && (*h < 1 || *h > 12)) || *h > 23) return 0;
  return *ap || *has_min || bare_ok;
}

/* 9am-5pm, 10:30am-2pm, 10:00-11:30, 9-5pm: a range of clock times */
static int try_time_range(text_ctx *c, uint32_t i) {
  const char *s = S(c, i), *d = memchr(s, '-', L(c, i));
  unsigned h1, m1, h2, m2;
  int hm1, hm2;
  char a1, a2;
  if (!d) return 0;
  size_t na = (size_t)(d - s);
  if (!clock_str(d + 1, L(c, i) - na - 1, 0, &h2, &m2, &hm2, &a2) ||
      !clock_str(s, na, a2 != 0, &h1, &m1, &hm1, &a1))
    return 0;
  begin(c, TEXT_KIND_TIME, i, i + 1);
  if (!hm1 && !a1) say_cardinal(c, h1); /* 9-5pm: nine to five */
  else say_clock(c, h1, m1, hm1, a1);
  text_say(c, "to");
  say_clock(c, h2, m2, hm2, a2);
  return 1;
}

/* 9:00 AM - 5:00 PM: a dash apart between two times is "to" */
static int try_time_dash(text_ctx *c, uint32_t i) {
  unsigned h, mnt;
  int hm;
  char ap;
  char ap0;
  if (!raw_is(c, i, "-") || i == 0 || i + 1 >= c->n_raw || P(c, i + 1) ||
      (!c->raw[i].space_before && !ampm(S(c, i - 1), L(c, i - 1), &ap0)))
    return 0; /* spaced, or right after a.m. (a.m.-5:00 p.m.) */
  const text_token *t = token_before(c, i);
  if (!t || t->kind != TEXT_KIND_TIME) return 0;
  if (!clock_str(S(c, i + 1), L(c, i + 1), 1, &h, &mnt, &hm, &ap)) return 0;
  if (!hm && !ap && unit_apart(c, i + 2)) return 0; /* 12.45 pm - 3 lbs: a list, not a range */
  begin(c, TEXT_KIND_SYMBOL, i, i + 1);
  text_say(c, "to");
  return 1;
}

static void say_count_of(text_ctx *c, unsigned v, const char *one, const char *many) {
  say_cardinal(c, v);
  text_say(c, v == 1 ? one : many);
}

/* 2:03:45, 1:23.45, 0:45.3: a duration, "two hours three minutes and forty
 * five seconds". Hours, minutes and seconds are a duration unless am/pm or
 * a zone follows or "at" comes before (at 11:59:59 is a clock); seconds
 * with a decimal part always are (a lap time). 40:15 alone stays as it is
 * said, "forty fifteen". */
static uint32_t try_duration(text_ctx *c, uint32_t i) {
  static const char *const clock_before[] = {"at", "@", NULL};
  const char *s = S(c, i);
  size_t n = L(c, i), k = 0, nf = 0;
  unsigned f[3];
  if (n < 4 || !isdig((unsigned char)s[0]) || !memchr(s, ':', n)) return 0;
  while (nf < 3) {
    size_t a = k;
    while (k < n && isdig((unsigned char)s[k]) && k - a < 3) k++;
    if (k == a || (nf > 0 && k - a != 2) || (nf == 0 && k - a > 2)) return 0;
    f[nf++] = (unsigned)digits_value(s + a, k - a);
    if (k == n || s[k] != ':') break;
    k++;
  }
  if (nf < 2) return 0; /* from here the last field has two digits before k */
  num sec_dec;
  int dec = k < n && s[k] == '.';
  if (dec && (!whole_num(s + k - 2, n - k + 2, &sec_dec) || !sec_dec.frac)) return 0;
  if ((!dec && k != n) || (nf == 2 && !dec)) return 0;
  for (size_t q = 1; q < nf; q++)
    if (f[q] > 59) return 0;
  if (!dec) {
    char ap;
    uint32_t j = i + 1;
    if (word_before_is(c, i, clock_before)) return 0;
    if (j < c->n_raw && !P(c, j) && (ampm(S(c, j), L(c, j), &ap) || all_upper(S(c, j), L(c, j))))
      return 0; /* 11:59:59 PM, 23:59:59 UTC */
  }
  begin(c, TEXT_KIND_MEASURE, i, i + 1);
  unsigned h = nf == 3 ? f[0] : 0, m = f[nf - 2], sec = f[nf - 1];
  int said = 0;
  if (h) say_count_of(c, h, "hour", "hours"), said = 1;
  if (m) say_count_of(c, m, "minute", "minutes"), said = 1;
  if (dec) {
    if (said) text_say(c, "and");
    say_num(c, &sec_dec);
    text_say(c, "seconds");
  } else if (sec || !said) {
    if (said) text_say(c, "and");
    say_count_of(c, sec, "second", "seconds");
  }
  return 1;
}

/* 3:30, 10:05 pm, 7am, 3 p.m. */
static uint32_t try_time(text_ctx *c, uint32_t i) {
  if (try_time_range(c, i)) return 1;
  const char *s = S(c, i);
  size_t n = L(c, i), k = 0;
  while (k < n && k < 3 && isdig((unsigned char)s[k])) k++;
  if (k == 0 || k > 2) return 0;
  unsigned h = (unsigned)digits_value(s, k), mnt = 0;
  int has_min = 0;
  char ap = 0;
  unsigned sec = 0;
  int has_sec = 0;
  char ap0;
  if (k + 3 <= n && s[k] == ':' && all_digits(s + k + 1, 2) &&
      (k + 3 == n || !isdig((unsigned char)s[k + 3]))) {
    mnt = (unsigned)digits_value(s + k + 1, 2);
    has_min = 1;
    k += 3;
    if (k + 3 <= n && s[k] == ':' && all_digits(s + k + 1, 2) &&
        (k + 3 == n || !isdig((unsigned char)s[k + 3]))) { /* 11:59:59 */
      sec = (unsigned)digits_value(s + k + 1, 2);
      has_sec = 1;
      k += 3;
    }
  } else if (k + 3 <= n && s[k] == '.' && all_digits(s + k + 1, 2) &&
             (k + 3 < n ? ampm(s + k + 3, n - k - 3, &ap)
                        : i + 1 < c->n_raw && !P(c, i + 1) &&
                              ampm(S(c, i + 1), L(c, i + 1), &ap0))) {
    /* 7.30pm, 7.30 pm: the British write the clock with a point */
    mnt = (unsigned)digits_value(s + k + 1, 2);
    has_min = 1;
    k += 3;
  }
  if (k < n && !ampm(s + k, n - k, &ap)) return 0;
  uint32_t j = i + 1;
  if (!ap && j < c->n_raw && !P(c, j) && ampm(S(c, j), L(c, j), &ap)) j++;
  if (!has_min && !ap) return 0;
  if (h > 24 || mnt > 59 || sec > 59 || (ap && (h == 0 || h > 12))) return 0;
  /* a time zone written after the time is said by its letters (8 PM EST;
   * alone, EST is "established") */
  static const char *const zones[] = {"EST", "EDT", "CST", "CDT", "MST", "MDT",
                                      "PST", "PDT", "GMT", "UTC", "BST", "CET",
                                      "CEST", "IST", "JST", "AEST", "ET", "CT",
                                      "MT", "PT", NULL};
  int zone = 0;
  if (j < c->n_raw && !P(c, j)) {
    size_t zn = L(c, j) - (L(c, j) > 3 && S(c, j)[L(c, j) - 1] == '.');
    for (size_t z = 0; zones[z]; z++)
      if (zn == strlen(zones[z]) && memcmp(S(c, j), zones[z], zn) == 0) zone = 1;
  }
  begin(c, TEXT_KIND_TIME, i, j + (uint32_t)zone);
  int sec_said = has_sec && sec;
  say_clock(c, h, mnt, has_min, sec_said ? 0 : ap);
  if (sec_said) { /* eleven fifty nine and fifty nine seconds p m */
    text_say(c, "and");
    say_cardinal(c, sec);
    text_say(c, sec == 1 ? "second" : "seconds");
    if (ap) {
      text_say_letter(c, ap);
      text_say_letter(c, 'm');
    }
  }
  if (zone) text_say_letters(c, S(c, j), L(c, j)); /* letters only: not the '.' */
  return j + (uint32_t)zone - i;
}

static void say_date(text_ctx *c, int month, unsigned day, int has_year,
                     uint64_t year, size_t year_digits, int day_first) {
  char b[NB];
  if (day_first) {
    text_say(c, "the");
    text_num_ordinal(day, b, sizeof b);
    text_say(c, b);
    text_say(c, "of");
    text_say(c, text_month_name(month));
  } else {
    text_say(c, text_month_name(month));
    if (day) {
      text_num_ordinal(day, b, sizeof b);
      text_say(c, b);
    }
  }
  if (has_year) {
    if (year_digits == 2 && year == 0) {
      text_say(c, "two thousand"); /* 5/30/00 */
    } else if (year_digits == 2) {
      if (year < 10) text_say(c, "oh");
      say_cardinal(c, year);
    } else {
      text_num_year(year, b, sizeof b);
      text_say(c, b);
    }
  }
}

/* a day of the month: 5, 21st */
static int day_str(const char *s, size_t n, unsigned *day) {
  size_t k = 0;
  while (k < n && isdig((unsigned char)s[k])) k++;
  if (k == 0 || k > 2) return 0;
  if (k != n) {
    if (n - k != 2) return 0;
    const char *suf = s + k;
    if (strncasecmp(suf, "st", 2) && strncasecmp(suf, "nd", 2) &&
        strncasecmp(suf, "rd", 2) && strncasecmp(suf, "th", 2))
      return 0;
  }
  unsigned d = (unsigned)digits_value(s, k);
  if (d < 1 || d > 31) return 0;
  *day = d;
  return 1;
}

static int day_num(const text_ctx *c, uint32_t i, unsigned *day) {
  return i < c->n_raw && !P(c, i) && day_str(S(c, i), L(c, i), day);
}

/* a range of days: 15-17, 1st-3rd */
static int day_range(const text_ctx *c, uint32_t i, unsigned *a, unsigned *b) {
  if (i >= c->n_raw || P(c, i)) return 0;
  const char *s = S(c, i), *d = memchr(s, '-', L(c, i));
  if (!d) return 0;
  size_t na = (size_t)(d - s);
  return day_str(s, na, a) && day_str(d + 1, L(c, i) - na - 1, b) && *a < *b;
}

static int year_num(const text_ctx *c, uint32_t i, uint64_t *y) {
  if (i >= c->n_raw || P(c, i) || L(c, i) != 4 || !all_digits(S(c, i), 4)) return 0;
  *y = digits_value(S(c, i), 4);
  return *y >= 1000;
}

/* a month written as a word: January, Jan., Sept. (capitalised) */
static int month_word(const text_ctx *c, uint32_t i) {
  if (i >= c->n_raw || P(c, i)) return 0;
  const char *s = S(c, i);
  size_t n = L(c, i);
  if (!isup((unsigned char)s[0])) return 0;
  int m;
  if (n > 3 && s[n - 1] == '.') return text_month_find(s, n - 1);
  if ((m = text_month_find(s, n)) && strlen(text_month_name(m)) == n) return m;
  return 0; /* "Jan" without its period: not a month */
}

/* Piece i as a month written short without its period, capitalised
 * (Jan, Sept): its number, or 0. Only beside a day or a year is it one. */
static int short_month(const text_ctx *c, uint32_t i) {
  if (i >= c->n_raw || P(c, i) || (L(c, i) != 3 && L(c, i) != 4) ||
      !isup((unsigned char)S(c, i)[0]))
    return 0;
  return text_month_find(S(c, i), L(c, i));
}

/* A year after a date's day at piece j: "2021" or ", 2021". Returns the
 * pieces it takes (0: none). */
static uint32_t year_after(const text_ctx *c, uint32_t j, uint64_t *y) {
  if (year_num(c, j, y)) return 1;
  if (j + 1 < c->n_raw && raw_is(c, j, ",") && year_num(c, j + 1, y)) return 2;
  return 0;
}

/* Jan. 5, 2021; January 5; 5 January 2021 */
static uint32_t try_date_words(text_ctx *c, uint32_t i) {
  int m = month_word(c, i);
  unsigned day, last;
  uint64_t y = 0;
  if (!m && c->raw[i + 1 < c->n_raw ? i + 1 : i].space_before &&
      (day_num(c, i + 1, &day) || day_range(c, i + 1, &day, &last)))
    m = short_month(c, i); /* Jan 5: before a day, no period needed */
  if (m && day_range(c, i + 1, &day, &last)) { /* March 15-17, 2024 */
    uint32_t used = year_after(c, i + 2, &y), j = i + 2 + used;
    int has_year = used > 0;
    char b[NB];
    begin(c, TEXT_KIND_DATE, i, j);
    say_date(c, m, day, 0, 0, 4, 0);
    text_say(c, "to");
    text_num_ordinal(last, b, sizeof b);
    text_say(c, b);
    if (has_year) {
      text_num_year(y, b, sizeof b);
      text_say(c, b);
    }
    return j - i;
  }
  if (m && day_num(c, i + 1, &day)) {
    uint32_t used = year_after(c, i + 2, &y), j = i + 2 + used;
    int has_year = used > 0;
    begin(c, TEXT_KIND_DATE, i, j);
    say_date(c, m, day, has_year, y, 4, 0);
    return j - i;
  }
  if (day_num(c, i, &day) && !(m = month_word(c, i + 1)) && year_num(c, i + 2, &y))
    m = short_month(c, i + 1); /* 25 Dec 2020 */
  if (day_num(c, i, &day) && m) {
    uint32_t used = year_after(c, i + 2, &y), j = i + 2 + used;
    int has_year = used > 0;
    begin(c, TEXT_KIND_DATE, i, j);
    say_date(c, m, day, has_year, y, 4, 1);
    return j - i;
  }
  return 0;
}

/* 12/25/2020, 2021-01-05 */
static int try_date_numeric(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  unsigned part[3];
  size_t len[3];
  size_t k = 0;
  int np = 0;
  char sep = 0;
  /* 01-Feb-02, 5-Jan-2021: day, short month and year with dashes */
  const char *d1 = n >= 7 && isdig((unsigned char)s[0]) ? memchr(s, '-', n) : NULL;
  const char *d2 = d1 ? memchr(d1 + 1, '-', (size_t)(s + n - d1 - 1)) : NULL;
  size_t yl = d2 ? (size_t)(s + n - d2 - 1) : 0;
  if (d2 && d1 - s <= 2 && d2 - d1 == 4 && all_digits(s, (size_t)(d1 - s)) &&
      (yl == 2 || yl == 4) && all_digits(d2 + 1, yl)) {
    int m = text_month_find(d1 + 1, 3);
    unsigned day = (unsigned)digits_value(s, (size_t)(d1 - s));
    if (m && day >= 1 && day <= 31 && isup((unsigned char)d1[1])) {
      begin(c, TEXT_KIND_DATE, i, i + 1);
      say_date(c, m, day, 1, digits_value(d2 + 1, yl), yl, 1);
      return 1;
    }
  }
  while (k < n && np < 3) {
    size_t a = k;
    while (k < n && isdig((unsigned char)s[k])) k++;
    if (k == a || k - a > 4) return 0;
    part[np] = (unsigned)digits_value(s + a, k - a);
    len[np++] = k - a;
    if (k == n) break;
    if (sep && s[k] != sep) return 0;
    sep = s[k];
    if (sep != '/' && sep != '-' && sep != '.') return 0;
    k++;
  }
  if (np != 3 || k != n) return 0;
  if (len[0] == 4 && sep == '-' && len[1] == 2 && len[2] == 2) { /* ISO */
    if (part[1] < 1 || part[1] > 12 || part[2] < 1 || part[2] > 31) return 0;
    begin(c, TEXT_KIND_DATE, i, i + 1);
    say_date(c, (int)part[1], part[2], 1, part[0], 4, 0);
    return 1;
  }
  /* 12.05.2021: dotted dates are day first (the European order); only with
   * a four-digit year, so that 1.2.3 stays a version number */
  if (sep == '.' && len[0] <= 2 && len[1] <= 2 && len[2] == 4 && part[2] >= 1800 &&
      part[2] <= 2099 && part[0] >= 1 && part[0] <= 31 && part[1] >= 1 && part[1] <= 12) {
    begin(c, TEXT_KIND_DATE, i, i + 1);
    say_date(c, (int)part[1], part[0], 1, part[2], 4, 1);
    return 1;
  }
  /* 12/25/2020, 12/25/20, 12-25-2020 (dashed: a four-digit year only) */
  if ((sep != '/' && sep != '-') || len[0] > 2 || len[1] > 2 ||
      (len[2] != 4 && (sep == '-' || len[2] != 2)))
    return 0;
  if (part[0] < 1 || part[0] > 12 || part[1] < 1 || part[1] > 31) return 0;
  begin(c, TEXT_KIND_DATE, i, i + 1);
  say_date(c, (int)part[0], part[1], 1, part[2], len[2], 0);
  return 1;
}

/* 555-1234, 555-555-1234, 1-800-555-1234, 555.555.1234, (555) 555-1234 */
static int phone_groups(const char *s, size_t n, size_t *g, int *ng) {
  size_t k = 0;
  char sep = 0;
  int slash = 0;
  *ng = 0;
  if (k < n && s[k] == '+') k++;
  while (k < n && *ng < 5) {
    size_t a = k;
    while (k < n && isdig((unsigned char)s[k])) k++;
    if (k == a) return 0;
    g[(*ng)++] = k - a;
    if (k == n) break;
    if (*ng == 1 && g[0] == 3 && s[k] == '/') { /* 713/853-5025: the area code's slash */
      slash = 1;
      k++;
      continue;
    }
    if (sep && s[k] != sep) return 0;
    sep = s[k];
    if (sep != '-' && sep != '.') return 0;
    k++;
  }
  if (k != n || (slash && *ng != 3)) return 0;
  if (*ng == 2) return g[0] == 3 && g[1] == 4;
  if (*ng == 3) return g[0] == 3 && g[1] == 3 && g[2] == 4;
  if (*ng == 4) return g[0] == 1 && g[1] == 3 && g[2] == 3 && g[3] == 4;
  return 0;
}

static void say_phone(text_ctx *c, const char *s, size_t n) {
  /* toll-free prefixes are said as hundreds: 1-800 one eight hundred */
  if (n >= 6 && s[0] == '+' && s[1] == '1' && s[2] == '-') {
    text_say(c, "plus");
    s++;
    n--;
  }
  if (n >= 5 && s[0] == '1' && s[1] == '-' && isdig((unsigned char)s[2]) &&
      s[3] == '0' && s[4] == '0' && (n == 5 || s[5] == '-')) {
    text_say(c, "one");
    text_say(c, text_digit_word(s[2] - '0'));
    text_say(c, "hundred");
    s += 5;
    n -= 5;
  }
  for (size_t k = 0; k < n; k++) {
    if (isdig((unsigned char)s[k])) text_say(c, text_digit_word(s[k] - '0'));
    else if (s[k] == '+') text_say(c, "plus");
  }
}

/* +44 20 7946 0958, +1 800 555 0199, +33 1 23 45 67 89: a country code
 * written apart from the groups of the number (each at most 8 digits, 6 to
 * 12 in all); said digit by digit, a North American toll-free prefix as
 * hundreds. Returns pieces used. */
static uint32_t try_phone_intl(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  if (n >= 11 && n <= 16 && s[0] == '+' && all_digits(s + 1, n - 1)) {
    begin(c, TEXT_KIND_TELEPHONE, i, i + 1); /* +919819602175: a number in one run */
    text_say(c, "plus");
    say_digits(c, s + 1, n - 1);
    return 1;
  }
  if (n < 2 || n > 4 || s[0] != '+' || !all_digits(s + 1, n - 1)) return 0;
  uint32_t j = i + 1;
  size_t total = 0;
  while (j < c->n_raw && j < i + 7 && !P(c, j) && c->raw[j].space_before) {
    const char *t = S(c, j);
    size_t tn = L(c, j), run = 0, k;
    for (k = 0; k < tn; k++) {
      if (isdig((unsigned char)t[k])) {
        if (++run > 8) break;
        total++;
      } else if ((t[k] == '-' || t[k] == '.') && run && k + 1 < tn) {
        run = 0;
      } else {
        break;
      }
    }
    if (k < tn) break;
    j++;
  }
  if (j - i < 2 || total < 6 || total > 12) return 0;
  begin(c, TEXT_KIND_TELEPHONE, i, j);
  text_say(c, "plus");
  say_digits(c, s + 1, n - 1);
  uint32_t k = i + 1;
  const char *t = S(c, k);
  if (n == 2 && s[1] == '1' && L(c, k) == 3 && isdig((unsigned char)t[0]) && t[1] == '0' &&
      t[2] == '0') { /* +1 800 */
    text_say(c, text_digit_word(t[0] - '0'));
    text_say(c, "hundred");
    k++;
  }
  for (; k < j; k++) say_phone(c, S(c, k), L(c, k));
  return j - i;
}

/* 555 123 4567, 1 800 555 1234, 020 7946 0958, 07911 123456: a number in
 * groups of digits apart, said digit by digit. The North American 3-3-4
 * (after a 1 or not) and a national number that starts with 0 in two or
 * three groups of 10 or 11 digits in all; nothing else, since counts are
 * written apart too (100 000). */
static uint32_t try_phone_spaced(text_ctx *c, uint32_t i) {
  size_t len[4];
  uint32_t k = 0;
  while (k < 4 && i + k < c->n_raw && !P(c, i + k) && all_digits(S(c, i + k), L(c, i + k)) &&
         (k == 0 || c->raw[i + k].space_before))
    len[k] = L(c, i + k), k++;
  if (k < 2) return 0;
  const char *s = S(c, i);
  uint32_t used = 0;
  if (k >= 4 && len[0] == 1 && s[0] == '1' && len[1] == 3 && len[2] == 3 && len[3] == 4)
    used = 4;
  else if (k >= 3 && len[0] == 3 && len[1] == 3 && len[2] == 4 && s[0] >= '2')
    used = 3;
  else if (s[0] == '0' && len[0] >= 3 && len[0] <= 5) {
    size_t total = 0;
    for (uint32_t q = 0; q < k && q < 3; q++) {
      total += len[q];
      if (q > 0 && (total == 10 || total == 11) && len[q] >= 3) used = q + 1;
    }
  }
  if (!used || (i + used < c->n_raw && !P(c, i + used) && isdig((unsigned char)S(c, i + used)[0])))
    return 0;
  begin(c, TEXT_KIND_TELEPHONE, i, i + used);
  for (uint32_t q = 0; q < used; q++) {
    if (q == 0 && used == 4) { /* 1 800: one eight hundred */
      text_say(c, "one");
      continue;
    }
    if (q == 1 && used == 4 && S(c, i + 1)[1] == '0' && S(c, i + 1)[2] == '0') {
      text_say(c, text_digit_word(S(c, i + 1)[0] - '0'));
      text_say(c, "hundred");
      continue;
    }
    say_digits(c, S(c, i + q), L(c, i + q));
  }
  return used;
}

static uint32_t try_phone(text_ctx *c, uint32_t i) {
  size_t g[5];
  int ng;
  uint32_t used;
  if (!P(c, i) && (used = try_phone_intl(c, i))) return used;
  if (raw_is(c, i, "(") && i + 3 < c->n_raw && L(c, i + 1) == 3 &&
      all_digits(S(c, i + 1), 3) && raw_is(c, i + 2, ")") &&
      phone_groups(S(c, i + 3), L(c, i + 3), g, &ng) && ng == 2) {
    begin(c, TEXT_KIND_TELEPHONE, i, i + 4);
    say_phone(c, S(c, i + 1), 3);
    say_phone(c, S(c, i + 3), L(c, i + 3));
    return 4;
  }
  if (P(c, i)) return 0;
  const text_token *t = token_before(c, i);
  const char *s = S(c, i);
  size_t n = L(c, i);
  size_t x = n > 1 && (s[0] == 'x' || s[0] == 'X') ? 1 : n > 3 && !strncasecmp(s, "ext", 3) ? 3 : 0;
  if (x && t && t->kind == TEXT_KIND_TELEPHONE && n - x <= 6 && all_digits(s + x, n - x)) {
    begin(c, TEXT_KIND_TELEPHONE, i, i + 1); /* 555-123-4567 x89: the extension */
    text_say(c, "extension");
    say_digits(c, s + x, n - x);
    return 1;
  }
  if ((used = try_phone_spaced(c, i))) return used;
  if (!phone_groups(S(c, i), L(c, i), g, &ng)) return 0;
  begin(c, TEXT_KIND_TELEPHONE, i, i + 1);
  say_phone(c, S(c, i), L(c, i));
  return 1;
}

/* Piece j as a unit written apart from its number (5 km, 150 lbs., 4 in.;
 * not "5 in", a preposition); NULL when it is none. */
static const text_unit *unit_apart(const text_ctx *c, uint32_t j) {
  if (j >= c->n_raw || P(c, j)) return NULL;
  const char *t = S(c, j);
  size_t tn = L(c, j);
  int dot = tn > 1 && t[tn - 1] == '.';
  if (dot) tn--;
  const text_unit *u = text_unit_find(t, tn);
  if (!u || (u->place == TEXT_UNIT_FUSED && !(dot && tn == 2 && !strncmp(t, "in", 2))))
    return NULL;
  return u;
}

/* A unit as written, or two with a slash (mL/kg, mg/dL, kJ/mol: milliliters
 * per kilogram); *per gets the second of two, else NULL. */
static const text_unit *unit_of(const char *t, size_t tn, const text_unit **per) {
  *per = NULL;
  const text_unit *u = text_unit_find(t, tn);
  const char *sl = u ? NULL : memchr(t, '/', tn);
  if (u || !sl || sl == t || sl + 1 == t + tn) return u;
  const text_unit *a = text_unit_find(t, (size_t)(sl - t));
  const text_unit *b = text_unit_find(sl + 1, (size_t)(t + tn - sl - 1));
  if (!a || !b || strstr(a->one, " per ") || strstr(b->one, " per ")) return NULL;
  *per = b;
  return a;
}

/* Piece j as two units with a slash, written apart from the number
 * (0.5 mL/kg) */
static const text_unit *unit_pair_apart(const text_ctx *c, uint32_t j, const text_unit **per) {
  if (j >= c->n_raw || P(c, j) || !memchr(S(c, j), '/', L(c, j))) return NULL;
  const text_unit *u = unit_of(S(c, j), L(c, j), per);
  if (!u || !*per || u->place == TEXT_UNIT_FUSED) return NULL;
  return u;
}

/* 1 c. sugar: a recipe's cup, "c" cut from its period before a word (c.
 * before a number is circa) */
static const text_unit *cup_apart(const text_ctx *c, uint32_t j) {
  static const text_unit cup = {"c", "cup", "cups", TEXT_UNIT_FUSED};
  if (!raw_is(c, j, "c") || !raw_is(c, j + 1, ".") || j + 2 >= c->n_raw || P(c, j + 2) ||
      !islow((unsigned char)S(c, j + 2)[0]))
    return NULL;
  return &cup;
}

/* Pieces from j as "sq" or "sq." and a unit apart (2,000 sq. ft., 5 sq mi):
 * the unit, said after "square"; *end gets the piece after it. */
static const text_unit *square_unit(const text_ctx *c, uint32_t j, uint32_t *end) {
  if (j >= c->n_raw || P(c, j) || L(c, j) < 2 || L(c, j) > 3 ||
      strncasecmp(S(c, j), "sq", 2) != 0 || (L(c, j) == 3 && S(c, j)[2] != '.'))
    return NULL;
  uint32_t k = j + 1;
  if (L(c, j) == 2 && raw_is(c, k, ".")) k++;
  const text_unit *u = unit_apart(c, k);
  if (!u || strncmp(u->one, "square", 6) == 0) return NULL;
  *end = k + 1;
  return u;
}

/* Piece i - 1 is a number of hours written short (1h, 2hr, 3hrs) */
static int after_hours(const text_ctx *c, uint32_t i) {
  if (i == 0 || P(c, i - 1)) return 0;
  const char *s = S(c, i - 1);
  size_t n = L(c, i - 1), k = 0;
  while (k < n && isdig((unsigned char)s[k])) k++;
  return k > 0 && ((n - k == 1 && s[k] == 'h') || (n - k == 2 && !memcmp(s + k, "hr", 2)) ||
                   (n - k == 3 && !memcmp(s + k, "hrs", 3)));
}

/* a/b: three quarters; singular when attributive (a three-quarter length) */
static void say_fraction_as(text_ctx *c, uint64_t a, uint64_t b, int singular) {
  char w[NB];
  int one = a == 1 || singular;
  say_cardinal(c, a);
  if (b == 2) {
    text_say(c, one ? "half" : "halves");
  } else if (b == 4) {
    text_say(c, one ? "quarter" : "quarters");
  } else {
    text_num_ordinal(b, w, sizeof w);
    if (!one) text_num_plural(w, sizeof w);
    text_say(c, w);
  }
}

static void say_fraction(text_ctx *c, uint64_t a, uint64_t b) { say_fraction_as(c, a, b, 0); }

static int frac_parts(const char *s, size_t n, uint64_t *a, uint64_t *b) {
  const char *sl = memchr(s, '/', n);
  if (!sl) return 0;
  size_t na = (size_t)(sl - s), nb = n - na - 1;
  if (!all_digits(s, na) || !all_digits(sl + 1, nb) || na > 6 || nb > 6) return 0;
  *a = digits_value(s, na);
  *b = digits_value(sl + 1, nb);
  return *b >= 2;
}

/* 1/2, 3/4, 1 1/2 */
static uint32_t try_fraction(text_ctx *c, uint32_t i) {
  /* Slashed numbers said as names, not fractions. */
  static const char *const named[][2] = {{"24/7", "twenty four seven"},
                                         {"9/11", "nine eleven"}};
  for (size_t k = 0; k < sizeof named / sizeof named[0]; k++)
    if (raw_is(c, i, named[k][0])) {
      begin(c, TEXT_KIND_DIGITS, i, i + 1);
      text_say(c, named[k][1]);
      return 1;
    }
  uint64_t a, b;
  num v;
  if (raw_num(c, i, &v) && !v.frac && !v.sign && v.int_digits <= 6 &&
      i + 1 < c->n_raw && !P(c, i + 1) && c->raw[i + 1].space_before &&
      frac_parts(S(c, i + 1), L(c, i + 1), &a, &b) && a < b) {
    const text_unit *u = unit_apart(c, i + 2); /* 1 1/2 tsp */
    if (!u) u = cup_apart(c, i + 2);
    begin(c, u ? TEXT_KIND_MEASURE : TEXT_KIND_FRACTION, i, i + 2 + !!u);
    say_cardinal(c, v.ip);
    text_say(c, "and");
    say_fraction(c, a, b);
    if (u) text_say(c, u->many);
    return 2 + !!u;
  }
  if (!P(c, i) && isdig((unsigned char)S(c, i)[0])) { /* 1/4-inch, 3/4-length */
    const char *s = S(c, i), *h = memchr(S(c, i), '-', L(c, i));
    size_t n = L(c, i), na = h ? (size_t)(h - s) : 0;
    if (h && h + 1 < s + n && memchr(s, '/', na) && frac_parts(s, na, &a, &b) && a < b &&
        all_alpha(h + 1, n - na - 1)) {
      begin(c, TEXT_KIND_FRACTION, i, i + 1);
      say_fraction_as(c, a, b, 1);
      say_alpha(c, h + 1, n - na - 1, 0);
      return 1;
    }
  }
  const char *rs = P(c, i) ? NULL : memchr(S(c, i), '/', L(c, i));
  size_t rn = rs ? (size_t)(S(c, i) + L(c, i) - rs) : 0; /* "/5" or "/10" */
  num r;
  if (rs && rs > S(c, i) && ((rn == 2 && rs[1] == '5') || (rn == 3 && !memcmp(rs, "/10", 3))) &&
      whole_num(S(c, i), (size_t)(rs - S(c, i)), &r) && r.frac && !r.sign) {
    begin(c, TEXT_KIND_DIGITS, i, i + 1); /* 4.5/5 stars: a rating */
    say_num(c, &r);
    text_say(c, "out of");
    text_say(c, rn == 3 ? "ten" : "five");
    return 1;
  }
  if (P(c, i) || !frac_parts(S(c, i), L(c, i), &a, &b)) return 0;
  static const char *const date_lead[] = {"on", "until", "till", "since", "thru", "through",
                                          NULL};
  if (a >= 1 && a <= 12 && b >= 1 && b <= 31 &&
      (word_before_is(c, i, date_lead) ||
       (i > 0 && !P(c, i - 1) && weekday(S(c, i - 1), L(c, i - 1))) ||
       (i > 1 && (raw_is(c, i - 1, ",") || raw_is(c, i - 1, ".")) &&
        weekday(S(c, i - 2), L(c, i - 2))))) { /* Sat. 9/14 */
    begin(c, TEXT_KIND_DATE, i, i + 1); /* on 3/31, Thursday 10/12 */
    say_date(c, (int)a, (unsigned)b, 0, 0, 4, 0);
    return 1;
  }
  const char *sl = memchr(S(c, i), '/', L(c, i));
  if (sl - S(c, i) == 4 && L(c, i) == 7 && a >= 1100 && a <= 2099 && b == (a + 1) % 100) {
    char w[NB]; /* 2023/24: a season or a fiscal year */
    begin(c, TEXT_KIND_YEAR, i, i + 1);
    text_num_year(a, w, sizeof w);
    text_say(c, w);
    if (b < 10) text_say(c, "oh");
    say_cardinal(c, b);
    return 1;
  }
  if (a > b && b >= 10) { /* 120/80: a reading, "one hundred twenty over eighty" */
    const text_unit *u = unit_apart(c, i + 1); /* 120/80 mmHg */
    begin(c, u ? TEXT_KIND_MEASURE : TEXT_KIND_DIGITS, i, i + 1 + !!u);
    say_cardinal(c, a);
    text_say(c, "over");
    say_cardinal(c, b);
    if (u) text_say(c, u->many);
    return 1 + !!u;
  }
  if (a == b && a > 1) { /* 50/50, 20/20: said as the two numbers */
    begin(c, TEXT_KIND_DIGITS, i, i + 1);
    say_cardinal(c, a);
    say_cardinal(c, b);
    return 1;
  }
  const text_unit *u = a < b ? unit_apart(c, i + 1) : NULL; /* 3/4 cup, 1/2 tsp */
  if (!u && a < b) u = cup_apart(c, i + 1);
  begin(c, u ? TEXT_KIND_MEASURE : TEXT_KIND_FRACTION, i, i + 1 + !!u);
  say_fraction(c, a, b);
  if (u) text_say(c, u->one);
  return 1 + !!u;
}

/* 1990s, '90s, 80s, 1990's */
static int try_decade(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i), k = 0;
  int apos = 0;
  char b[NB];
  if (n && s[0] == '\'') {
    apos = 1;
    k = 1;
  }
  size_t a = k;
  while (k < n && isdig((unsigned char)s[k])) k++;
  size_t nd = k - a;
  if (!((k + 1 == n && s[k] == 's') || (k + 2 == n && s[k] == '\'' && s[k + 1] == 's')))
    return 0;
  if (!(nd == 4 || (nd == 2))) return 0;
  uint64_t v = digits_value(s + a, nd);
  if (v % 10 != 0) return 0;
  if (nd == 4) {
    if (v < 1000) return 0;
    text_num_year(v, b, sizeof b);
  } else {
    if (!apos && v < 10) return 0;
    if (v == 0) snprintf(b, sizeof b, "two thousand");
    else text_num_cardinal(v, b, sizeof b);
  }
  text_num_plural(b, sizeof b);
  begin(c, TEXT_KIND_YEAR, i, i + 1);
  text_say(c, b);
  return 1;
}

/* '08, '99: a year by its last two digits (the class of '08: oh eight) */
static int try_year_clip(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  if (L(c, i) != 3 || s[0] != '\'' || !isdig((unsigned char)s[1]) ||
      !isdig((unsigned char)s[2]))
    return 0;
  unsigned v = (unsigned)(s[1] - '0') * 10 + (unsigned)(s[2] - '0');
  char b[NB];
  begin(c, TEXT_KIND_YEAR, i, i + 1);
  if (v == 0) {
    text_say(c, "two thousand");
  } else if (v < 10) {
    text_say(c, "oh");
    text_say(c, text_digit_word((int)v));
  } else {
    text_num_cardinal(v, b, sizeof b);
    text_say(c, b);
  }
  return 1;
}

/* an ordinal written whole at s: 21st, 3rd; its value, or 0 */
static uint64_t ordinal_value(const char *s, size_t n) {
  if (n < 3 || !isdig((unsigned char)s[n - 3])) return 0;
  const char *suf = s + n - 2;
  if (strncasecmp(suf, "st", 2) && strncasecmp(suf, "nd", 2) && strncasecmp(suf, "rd", 2) &&
      strncasecmp(suf, "th", 2))
    return 0;
  return n - 2 <= 15 && all_digits(s, n - 2) ? digits_value(s, n - 2) : 0;
}

static int try_ordinal(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i), k = 0;
  char b[NB];
  const char *d = n >= 7 ? memchr(s, '-', n) : NULL;
  uint64_t o1, o2;
  if (d && (o1 = ordinal_value(s, (size_t)(d - s))) &&
      (o2 = ordinal_value(d + 1, (size_t)(s + n - d - 1)))) { /* 5th-7th: fifth to seventh */
    begin(c, TEXT_KIND_ORDINAL, i, i + 1);
    text_num_ordinal(o1, b, sizeof b);
    text_say(c, b);
    text_say(c, "to");
    text_num_ordinal(o2, b, sizeof b);
    text_say(c, b);
    return 1;
  }
  while (k < n && (isdig((unsigned char)s[k]) || s[k] == ',')) k++;
  if (k == 0 || n - k != 2 || !isdig((unsigned char)s[k - 1])) return 0;
  const char *suf = s + k;
  if (strncasecmp(suf, "st", 2) && strncasecmp(suf, "nd", 2) &&
      strncasecmp(suf, "rd", 2) && strncasecmp(suf, "th", 2))
    return 0;
  num v;
  if (parse_num(s, k, &v) != k || v.frac || v.int_digits > 15) return 0;
  begin(c, TEXT_KIND_ORDINAL, i, i + 1);
  text_num_ordinal(v.ip, b, sizeof b);
  text_say(c, b);
  return 1;
}

/* 50%, 3.5%, 10-20% (also "50 %") */
static uint32_t try_percent(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  num v, w;
  if (n >= 2 && s[n - 1] == '%') {
    if (whole_num(s, n - 1, &v)) {
      begin(c, TEXT_KIND_PERCENT, i, i + 1);
      say_num(c, &v);
      text_say(c, "percent");
      return 1;
    }
    const char *d = memchr(s + 1, '-', n - 2);
    size_t na = d ? (size_t)(d - s) : 0;
    if (na > 1 && s[na - 1] == '%') na--; /* 5%-6% */
    if (d && whole_num(s, na, &v) &&
        whole_num(d + 1, (size_t)(s + n - 1 - d - 1), &w) && !w.sign) {
      begin(c, TEXT_KIND_PERCENT, i, i + 1);
      say_num_range(c, &v, &w, "percent");
      return 1;
    }
    return 0;
  }
  int pct = raw_is(c, i + 1, "%"), mille = !pct && raw_is(c, i + 1, "\xe2\x80\xb0");
  if ((pct || mille) && raw_num(c, i, &v)) { /* 5 %, 5‰ (cut off as punctuation) */
    begin(c, TEXT_KIND_PERCENT, i, i + 2);
    say_num(c, &v);
    text_say(c, pct ? "percent" : "per mille");
    return 2;
  }
  return 0;
}

/* 5 km, 3kg, 72°F, 6'2", 5' */
static uint32_t try_measure(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  num v;
  size_t used = parse_num(s, n, &v);
  if (!used) return 0;
  if (used < n && s[used] == '\'') { /* feet and inches */
    size_t k = used + 1;
    size_t a = k;
    while (k < n && isdig((unsigned char)s[k])) k++;
    if (v.frac || v.sign) return 0;
    if (k == n && a == k) {
      begin(c, TEXT_KIND_MEASURE, i, i + 1);
      say_num(c, &v);
      text_say(c, v.ip == 1 ? "foot" : "feet");
      return 1;
    }
    if (k - a <= 2 && (k == n || (k + 1 == n && s[k] == '"'))) {
      uint64_t in = digits_value(s + a, k - a);
      begin(c, TEXT_KIND_MEASURE, i, i + 1);
      say_num(c, &v);
      text_say(c, v.ip == 1 ? "foot" : "feet");
      say_cardinal(c, in);
      text_say(c, in == 1 ? "inch" : "inches");
      return 1;
    }
    return 0;
  }
  if (used + 1 == n && s[used] == '"' && !v.sign) {
    begin(c, TEXT_KIND_MEASURE, i, i + 1);
    say_num(c, &v);
    text_say(c, is_one(&v) ? "inch" : "inches");
    return 1;
  }
  const text_unit *u = NULL, *per = NULL;
  uint32_t j = i + 1, end;
  if (used < n) {
    u = unit_of(s + used, n - used, &per);
    if (!u || u->place == TEXT_UNIT_APART) return 0;
    if (n - used == 1 && (s[used] == 'C' || s[used] == 'F') && v.int_digits > 3)
      return 0; /* 3143C is a model, not a temperature */
    if (n - used == 1 && s[used] == 'm' && !after_hours(c, i) && next_is_plural_word(c, i + 1) &&
        !v.sign) { /* 1.2m people: million */
      begin(c, TEXT_KIND_CARDINAL, i, j);
      say_num(c, &v);
      text_say(c, "million");
      return 1;
    }
    if (n - used == 1 && s[used] == 'm' && after_hours(c, i)) { /* 1h 30m */
      begin(c, TEXT_KIND_MEASURE, i, j);
      say_num(c, &v);
      text_say(c, is_one(&v) ? "minute" : "minutes");
      return 1;
    }
  } else if ((u = unit_apart(c, j)) || (u = cup_apart(c, j)) ||
             (u = unit_pair_apart(c, j, &per))) {
    j++;
  } else if ((u = square_unit(c, j, &end))) {
    begin(c, TEXT_KIND_MEASURE, i, end);
    say_num(c, &v);
    text_say(c, "square");
    text_say(c, is_one(&v) ? u->one : u->many);
    return end - i;
  } else if (j + 1 < c->n_raw && !P(c, j) && scale_word(S(c, j), L(c, j)) &&
             (((u = unit_apart(c, j + 1)) && u->place != TEXT_UNIT_EXACT &&
               u->place != TEXT_UNIT_APART && (end = j + 2)) ||
              (u = square_unit(c, j + 1, &end)))) {
    /* 1.5 million km2, 3 million sq ft: the scale between, the unit plural */
    begin(c, TEXT_KIND_MEASURE, i, end);
    say_num(c, &v);
    text_say(c, scale_word(S(c, j), L(c, j)));
    if (end > j + 2) text_say(c, "square");
    text_say(c, u->many);
    return end - i;
  } else {
    return 0;
  }
  begin(c, TEXT_KIND_MEASURE, i, j);
  say_num(c, &v);
  text_say(c, is_one(&v) ? u->one : u->many);
  if (per) {
    text_say(c, "per");
    text_say(c, per->one);
  }
  return j - i;
}

/* 1990-1995, 10-20, 1990-95 */
static int try_range(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  const char *d = n > 2 ? memchr(s + 1, '-', n - 2) : NULL;
  num a, b;
  char w[NB];
  if (!d) return 0;
  size_t na = (size_t)(d - s), nb = n - na - 1;
  if (na == 5 && nb == 4 && all_digits(s, 5) && all_digits(d + 1, 4)) {
    begin(c, TEXT_KIND_DIGITS, i, i + 1); /* 78712-1179: a ZIP+4 code */
    say_digits(c, s, n);
    return 1;
  }
  if (!whole_num(s, na, &a) || a.sign) return 0;
  const text_unit *u = NULL, *per = NULL;
  uint32_t apart = 0; /* pieces the unit takes after this one */
  if (!whole_num(d + 1, nb, &b)) { /* 50-60°F, 5-10km: the unit against the range */
    size_t used = parse_num(d + 1, nb, &b);
    const char *r = d + 1 + used;
    const char *sc = !used ? NULL
                     : nb - used == 1 && *r == 'k' ? "thousand"
                     : nb - used == 1 && *r == 'M' ? "million"
                     : nb - used == 2 && !memcmp(r, "bn", 2) ? "billion" : NULL;
    if (sc && !b.sign) { /* 75-80k: seventy five to eighty thousand */
      begin(c, TEXT_KIND_RANGE, i, i + 1);
      say_num_range(c, &a, &b, sc);
      return 1;
    }
    if (!used || b.sign || !(u = unit_of(d + 1 + used, nb - used, &per)) ||
        u->place == TEXT_UNIT_APART)
      return 0;
  } else if (!b.sign) { /* 20-25 °C, 5-10 mL/kg */
    if (!(u = unit_apart(c, i + 1))) u = unit_pair_apart(c, i + 1, &per);
    apart = u != NULL;
  }
  if (b.sign) return 0;
  if (u) {
    begin(c, TEXT_KIND_MEASURE, i, i + 1 + apart);
    say_num_range(c, &a, &b, u->many);
    if (per) {
      text_say(c, "per");
      text_say(c, per->one);
    }
    return (int)(1 + apart);
  }
  if (!a.frac && !b.frac && !a.commas && !b.commas && a.int_digits == 3 &&
      b.int_digits == 3 && b.ip < a.ip && b.ip % 100 == 0 && a.ip % 100 != 0 &&
      !a.lead_zero) { /* 747-400, 737-800: an aircraft's model (218-212 is a vote) */
    begin(c, TEXT_KIND_DIGITS, i, i + 1);
    say_ident_digits(c, s, na);
    say_ident_digits(c, d + 1, nb);
    return 1;
  }
  begin(c, TEXT_KIND_RANGE, i, i + 1);
  int years = !a.frac && !b.frac && !a.commas && a.int_digits == 4 &&
              a.ip >= 1100 && a.ip <= 2099 && (b.int_digits == 4 || b.int_digits == 2);
  if (years) {
    text_num_year(a.ip, w, sizeof w);
    text_say(c, w);
    text_say(c, "to");
    if (b.int_digits == 4) text_num_year(b.ip, w, sizeof w);
    else if (b.ip < 10) snprintf(w, sizeof w, "oh %s", text_digit_word((int)b.ip));
    else text_num_cardinal(b.ip, w, sizeof w);
    text_say(c, w);
  } else {
    say_num(c, &a);
    if (a.ip != b.ip || a.frac || b.frac) text_say(c, "to"); /* 50-50: fifty fifty */
    say_num(c, &b);
  }
  return 1;
}

static int word_before_is(const text_ctx *c, uint32_t i, const char *const *list) {
  if (i == 0 || P(c, i - 1)) return 0;
  const char *s = S(c, i - 1);
  size_t n = L(c, i - 1);
  if (n > 1 && s[n - 1] == '.') n--;
  else if (n > 2 && s[n - 2] == '\'' && (s[n - 1] | 0x20) == 's') n -= 2; /* Boeing's 737 */
  for (size_t k = 0; list[k]; k++)
    if (strlen(list[k]) == n && strncasecmp(list[k], s, n) == 0) return 1;
  return 0;
}

/* per kg, per sq ft: a unit after "per" without a number, said singular */
static int try_per_unit(text_ctx *c, uint32_t i) {
  static const char *const per[] = {"per", NULL};
  const text_unit *u;
  uint32_t end = i + 1;
  if (!word_before_is(c, i, per) || !((u = unit_apart(c, i)) || (u = square_unit(c, i, &end))))
    return 0;
  begin(c, TEXT_KIND_MEASURE, i, end);
  if (end > i + 1) text_say(c, "square");
  text_say(c, u->one);
  return end - i;
}

static const char *const ident_words[] = {
    "route", "highway", "interstate", "boeing", "airbus", "flight", "room",
    "suite", "apartment", "apt", "gate", "platform", "channel", "bus",
    "model", "track", "studio", "terminal", "locomotive", "hwy", "rte", "rm", "ste", NULL};
/* names whose number is said as an identifier only when written as a name
 * (Office 365, Xbox 360, Nikkei 225; "the office 365 days a year") */
static const char *const ident_names[] = {
    "xbox", "nikkei", "office", "microsoft", "porsche", "cessna", "peugeot",
    "ferrari", "mazda", "volvo", "saab", NULL};
static const char *const year_words[] = {
    "in", "since", "by", "from", "until", "till", "before", "after", "circa",
    "c", "during", "year", "of", "around", "through", "between", "summer",
    "winter", "spring", "fall", "autumn", "early", "late", "mid", "the", "q1", "q2",
    "q3", "q4", "h1", "h2", "fy", NULL};
static const char *const count_words[] = {
    "page", "pages", "number", "no", "nos", "#", "chapter", "section",
    "verse", "exit", "about", "over", "under", "nearly", "almost", "than",
    "only", "just", "some", "all", NULL};

static int next_is_plural_word(const text_ctx *c, uint32_t j) {
  static const char *const not_plural[] = {"was", "is", "has", "this", "his",
                                           "as", "us", "yes", "its", "does", NULL};
  if (j >= c->n_raw || P(c, j)) return 0;
  const char *s = S(c, j);
  size_t n = L(c, j);
  if (!all_alpha(s, n) || n < 3) return 0;
  static const char *const irregular[] = {"people", "men", "women", "children",
                                          "feet", "mice", "geese", NULL};
  for (size_t k = 0; irregular[k]; k++)
    if (strlen(irregular[k]) == n && strncasecmp(irregular[k], s, n) == 0) return 1;
  if ((s[n - 1] | 0x20) != 's') return 0;
  for (size_t k = 0; not_plural[k]; k++)
    if (strlen(not_plural[k]) == n && strncasecmp(not_plural[k], s, n) == 0) return 0;
  return 1;
}

/* 100s, 1,000s, 10,000s: round numbers as plurals of their scale
 * (hundreds, thousands, tens of thousands) */
static int try_round_plural(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  num v;
  if (n < 4 || s[n - 1] != 's' || !isdig((unsigned char)s[0]) || !whole_num(s, n - 1, &v) ||
      v.sign || v.frac || v.lead_zero)
    return 0;
  static const struct {
    uint64_t v;
    const char *say;
  } r[] = {{100, "hundreds"},
           {1000, "thousands"},
           {10000, "tens of thousands"},
           {100000, "hundreds of thousands"},
           {1000000, "millions"}};
  for (size_t k = 0; k < sizeof r / sizeof r[0]; k++)
    if (v.ip == r[k].v) {
      begin(c, TEXT_KIND_CARDINAL, i, i + 1);
      text_say(c, r[k].say);
      return 1;
    }
  return 0;
}

/* 1000-page, 10,000-strong, 24-hour: a number before a hyphen and a word,
 * as a cardinal (an identifier's digits stay pairs: F-16, COVID-19) */
static int try_number_compound(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  num v;
  if (n < 6 || !isdig((unsigned char)s[0]) || !memchr(s, '-', n)) return 0;
  size_t used = parse_num(s, n, &v);
  if (!used || used + 1 >= n || s[used] != '-' || v.sign || v.lead_zero ||
      !all_alpha(s + used + 1, n - used - 1) || (v.int_digits < 4 && !v.commas && !v.frac))
    return 0;
  begin(c, TEXT_KIND_CARDINAL, i, i + 1);
  if (!v.frac && !v.commas && v.int_digits == 4 && v.ip >= 1100 && v.ip <= 2099) {
    char w[NB]; /* 1990-era, 1500-page: as a year is said */
    text_num_year(v.ip, w, sizeof w);
    text_say(c, w);
  } else {
    say_num(c, &v);
  }
  say_alpha(c, s + used + 1, n - used - 1, 0);
  return 1;
}

/* 10x, 1.5x before a word or at the end: a multiplier, "ten times" (4x4
 * and x10 are other tokens) */
static int try_multiplier(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  num v, w;
  const char *d = n >= 4 && (s[n - 1] == 'x' || s[n - 1] == 'X') ? memchr(s, '-', n - 1) : NULL;
  if (d && d > s && whole_num(s, (size_t)(d - s), &v) && !v.sign &&
      whole_num(d + 1, (size_t)(s + n - 2 - d), &w)) { /* 2-3x daily: two to three times */
    begin(c, TEXT_KIND_CARDINAL, i, i + 1);
    say_num_range(c, &v, &w, "times");
    return 1;
  }
  if (n < 2 || (s[n - 1] != 'x' && s[n - 1] != 'X') || !whole_num(s, n - 1, &v) || v.sign)
    return 0;
  if (i + 1 < c->n_raw && !P(c, i + 1) && !isalp((unsigned char)S(c, i + 1)[0]))
    return 0;
  begin(c, TEXT_KIND_CARDINAL, i, i + 1);
  say_num(c, &v);
  text_say(c, "times");
  return 1;
}

/* 3x/week, 2x/day: so many times a week */
static int try_times_per(text_ctx *c, uint32_t i) {
  static const char *const per[] = {"day", "week", "month", "year", "wk", "yr", "mo", NULL};
  static const char *const say[] = {"day", "week", "month", "year", "week", "year", "month"};
  const char *s = S(c, i), *x = memchr(s, '/', L(c, i));
  size_t n = L(c, i);
  num v;
  if (!x || x - s < 2 || (x[-1] != 'x' && x[-1] != 'X') || !whole_num(s, (size_t)(x - s - 1), &v) ||
      v.sign)
    return 0;
  size_t un = (size_t)(s + n - x - 1);
  for (size_t k = 0; per[k]; k++)
    if (strlen(per[k]) == un && !strncasecmp(per[k], x + 1, un)) {
      begin(c, TEXT_KIND_CARDINAL, i, i + 1);
      say_num(c, &v);
      text_say(c, is_one(&v) ? "time a" : "times a");
      text_say(c, say[k]);
      return 1;
    }
  return 0;
}

/* Piece i as two unsigned numbers joined by sep (16:9, 2x4): said as the
 * first, word, the second, when the second has min_b to max_b characters.
 * Returns 1 when said. */
static int say_num_pair(text_ctx *c, uint32_t i, char sep, const char *word,
                        size_t min_b, size_t max_b) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  const char *at = memchr(s, sep, n);
  num a, b;
  if (!at || at == s) return 0;
  size_t na = (size_t)(at - s), nb = n - na - 1;
  if (nb < min_b || nb == 0 || nb > max_b || !whole_num(s, na, &a) || !whole_num(at + 1, nb, &b) ||
      a.sign || b.sign)
    return 0;
  begin(c, TEXT_KIND_DIGITS, i, i + 1);
  say_num(c, &a);
  text_say(c, word);
  say_num(c, &b);
  return 1;
}

/* 16:9, 3:1, 1:100, 1:50,000: a ratio, "sixteen to nine" (a second number
 * of one digit, or of three or more, is no clock's minutes; 3:16 stays a
 * time, as a verse is said) */
static int try_ratio(text_ctx *c, uint32_t i) {
  if (!memchr(S(c, i), ':', L(c, i))) return 0;
  return say_num_pair(c, i, ':', "to", 1, 1) || say_num_pair(c, i, ':', "to", 3, SIZE_MAX);
}

/* 2x4, 1920x1080: dimensions, "two by four"; a screen's pixels, two
 * numbers of three or four digits, in pairs (nineteen twenty by ten eighty) */
static int try_dimensions(text_ctx *c, uint32_t i) {
  const char *s = S(c, i), *x = memchr(s, 'x', L(c, i));
  size_t na = x ? (size_t)(x - s) : 0, nb = x ? L(c, i) - na - 1 : 0;
  if (x && na >= 3 && na <= 4 && nb >= 3 && nb <= 4 && all_digits(s, na) &&
      all_digits(x + 1, nb) && s[0] != '0' && x[1] != '0') {
    begin(c, TEXT_KIND_DIGITS, i, i + 1);
    say_ident_digits(c, s, na);
    text_say(c, "by");
    say_ident_digits(c, x + 1, nb);
    return 1;
  }
  num b;
  const text_unit *u;
  size_t used;
  if (x && na >= 1 && na <= 2 && all_digits(s, na) && (used = parse_num(x + 1, nb, &b)) &&
      used < nb && !b.sign && (u = text_unit_find(x + 1 + used, nb - used)) &&
      u->place != TEXT_UNIT_APART) { /* a 4x100m relay: four by one hundred meters */
    begin(c, TEXT_KIND_MEASURE, i, i + 1);
    say_cardinal(c, digits_value(s, na));
    text_say(c, "by");
    say_num(c, &b);
    text_say(c, is_one(&b) ? u->one : u->many);
    return 1;
  }
  return say_num_pair(c, i, 'x', "by", 1, SIZE_MAX);
}

/* 10^8, 2^10, x^2, 10^-3: a power; 6.022e23, 1e-5, 3.2E8: a number in
 * scientific notation, "six point zero two two times ten to the power of
 * twenty three". A unit may follow (3 x 10^8 m/s). */
static int try_power(text_ctx *c, uint32_t i) {
  const char *s = S(c, i), *x, *caret = memchr(S(c, i), '^', L(c, i)), *e = NULL;
  size_t n = L(c, i), nb, nx;
  num m;
  int letter = 0;
  if (caret) { /* base ^ exponent */
    nb = (size_t)(caret - s);
    letter = nb == 1 && isalp((unsigned char)s[0]);
    if (!letter && (!whole_num(s, nb, &m) || m.sign)) return 0;
  } else { /* mantissa e exponent */
    if (n < 3 || !isdig((unsigned char)s[0])) return 0;
    for (size_t k = 1; k + 1 < n && !e; k++)
      if ((s[k] == 'e' || s[k] == 'E') && isdig((unsigned char)s[k - 1])) e = s + k;
    if (!e) return 0;
    nb = (size_t)(e - s);
    if (!whole_num(s, nb, &m) || m.sign || m.commas) return 0;
  }
  x = s + nb + 1;
  nx = n - nb - 1;
  if (!caret && nx > 1 && x[0] == '+') x++, nx--;
  if (nx == 0 || nx > 5) return 0;
  if (x[0] == '-' ? nx < 2 || !all_digits(x + 1, nx - 1) : !all_digits(x, nx)) return 0;
  const text_unit *per = NULL, *u = unit_apart(c, i + 1);
  if (!u) u = unit_pair_apart(c, i + 1, &per);
  if (u && u->place == TEXT_UNIT_APART) u = NULL, per = NULL;
  begin(c, u ? TEXT_KIND_MEASURE : TEXT_KIND_DIGITS, i, i + 1 + !!u);
  if (letter) text_say_letter(c, s[0]);
  else say_num(c, &m);
  if (!caret) text_say(c, "times ten");
  say_exponent(c, x, nx, !caret);
  if (u) {
    text_say(c, u->many);
    if (per) {
      text_say(c, "per");
      text_say(c, per->one);
    }
  }
  return 1 + !!u;
}

/* § 1983, §§ 3-4, ¶ 5: the section and paragraph signs, which Unicode
 * calls punctuation */
static int try_section_sign(text_ctx *c, uint32_t i) {
  int sec = raw_is(c, i, "\xc2\xa7"), par = raw_is(c, i, "\xc2\xb6");
  if (raw_is(c, i, "\xe2\x80\xb0")) { /* ‰ alone */
    begin(c, TEXT_KIND_SYMBOL, i, i + 1);
    text_say(c, "per mille");
    return 1;
  }
  if (P(c, i) && raw_is(c, i, "+")) { /* $50+, 2,000+: cut off the number, still said */
    begin(c, TEXT_KIND_SYMBOL, i, i + 1);
    text_say(c, "plus");
    return 1;
  }
  if (!sec && !par) return 0;
  int two = raw_is(c, i + 1, sec ? "\xc2\xa7" : "\xc2\xb6");
  begin(c, TEXT_KIND_ABBREVIATION, i, i + 1 + (uint32_t)two);
  text_say(c, sec ? (two ? "sections" : "section") : (two ? "paragraphs" : "paragraph"));
  uint32_t j = i + 1 + (uint32_t)two;
  num v;
  if (raw_num(c, j, &v) && !v.sign) { /* § 1983: a number, not a year */
    begin(c, TEXT_KIND_CARDINAL, j, j + 1);
    say_num(c, &v);
    return (int)(j + 1 - i);
  }
  return (int)(j - i);
}

/* Names written with symbols: C#, F# (a note or a language, "c sharp"), a
 * lone pi, .NET ("dot net") */
static int try_symbol_name(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  if (n == 2 && s[1] == '#' && s[0] >= 'A' && s[0] <= 'G') {
    begin(c, TEXT_KIND_WORD, i, i + 1);
    text_say_letter(c, s[0]);
    text_say(c, "sharp");
    return 1;
  }
  if (raw_is(c, i, "\xcf\x80")) { /* a lone pi is the number */
    begin(c, TEXT_KIND_SYMBOL, i, i + 1);
    text_say(c, "pi");
    return 1;
  }
  if (raw_is(c, i, ".NET")) {
    begin(c, TEXT_KIND_WORD, i, i + 1);
    text_say(c, "dot net");
    return 1;
  }
  return 0;
}

/* WWII, WW2, y/y: names said in full (tables.c) */
static int try_fixed_name(text_ctx *c, uint32_t i) {
  const char *r = P(c, i) ? NULL : text_fixed_name(S(c, i), L(c, i));
  if (!r) return 0;
  begin(c, TEXT_KIND_WORD, i, i + 1);
  text_say(c, r);
  return 1;
}

/* AD 476, 79 CE: an era beside a number is said by its letters ("ad" is
 * a word) */
static int try_era(text_ctx *c, uint32_t i) {
  if (!raw_is(c, i, "AD") && !raw_is(c, i, "CE")) return 0;
  num v;
  if (!(i > 0 && raw_num(c, i - 1, &v)) && !raw_num(c, i + 1, &v)) return 0;
  begin(c, TEXT_KIND_INITIALISM, i, i + 1);
  text_say_letters(c, S(c, i), 2);
  return 1;
}

/* 10 - 3 = 7, 6 * 7 = 42: an operator written apart between two numbers,
 * in a sum that an equals sign closes within three pieces; without one, a
 * dash apart between a number and a larger one is a range (pages 5 - 7) */
static int try_operator(text_ctx *c, uint32_t i) {
  static const char *const op[][2] = {{"-", "minus"}, {"*", "times"},
                                      {"\xc3\x97", "times"}, {"/", "divided by"},
                                      {"\xc3\xb7", "divided by"}, {"x", "times"}};
  num a, b;
  if (i == 0 || i + 1 >= c->n_raw || !c->raw[i].space_before ||
      !raw_num(c, i - 1, &a) || !raw_num(c, i + 1, &b))
    return 0;
  int eq = 0;
  for (uint32_t j = i + 2; j < c->n_raw && j <= i + 4; j++) eq |= raw_is(c, j, "=");
  if (!eq) {
    if (raw_is(c, i, "-") && !a.sign && !b.sign &&
        !a.frac && !b.frac && a.ip < b.ip) {
      begin(c, TEXT_KIND_SYMBOL, i, i + 1);
      text_say(c, "to");
      return 1;
    }
    return 0;
  }
  for (size_t k = 0; k < sizeof op / sizeof op[0]; k++)
    if (raw_is(c, i, op[k][0])) {
      begin(c, TEXT_KIND_SYMBOL, i, i + 1);
      text_say(c, op[k][1]);
      return 1;
    }
  return 0;
}

/* 10 x 20 feet, 2 ft x 4 ft, 12' x 14': a lone x between a number or a
 * measure and a number is "by" (a sum closed by an equals sign is
 * try_operator's); a sign x only after a measure (3 x 4 alone is times) */
static int try_by(text_ctx *c, uint32_t i) {
  int sign = raw_is(c, i, "\xc3\x97");
  if (!sign && !raw_is(c, i, "x")) return 0;
  if (i == 0 || i + 1 >= c->n_raw || !c->raw[i].space_before || P(c, i + 1) ||
      !isdig((unsigned char)S(c, i + 1)[0]))
    return 0;
  const text_token *t = token_before(c, i);
  if (!t) return 0;
  if (t->kind != TEXT_KIND_MEASURE && (sign || t->kind != TEXT_KIND_CARDINAL)) return 0;
  begin(c, TEXT_KIND_SYMBOL, i, i + 1);
  text_say(c, "by");
  return 1;
}

/* 150M, 1.5M, 2.5bn: a count in millions or billions (3M, one digit
 * alone, is the company; 3B an apartment) */
static int try_scaled(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i), k;
  const char *scale;
  if (n >= 3 && s[n - 1] == 'M') k = n - 1, scale = "million";
  else if (n >= 3 && s[n - 2] == 'b' && s[n - 1] == 'n') k = n - 2, scale = "billion";
  else if (n >= 2 && s[n - 1] == 'k') k = n - 1, scale = "thousand"; /* 3.5k, 50k */
  else return 0;
  if (scale[0] == 't') { /* 3.5k, 65k, 100k followers; a 5k or a 10k run stays k */
    static const char *const race[] = {"run", "runs", "race", "races", "walk", "runner",
                                       "runners", "fun", "trail", NULL};
    static const char *const det[] = {"a", "the", NULL};
    num t;
    if (!whole_num(s, k, &t) || t.sign) return 0;
    if (!t.frac && !next_is_plural_word(c, i + 1) &&
        ((i + 1 < c->n_raw && word_before_is(c, i + 2, race)) ||
         (t.int_digits <= 2 && word_before_is(c, i, det))))
      return 0;
    begin(c, TEXT_KIND_CARDINAL, i, i + 1);
    say_num(c, &t);
    text_say(c, scale);
    return 1;
  }
  num v;
  if (!whole_num(s, k, &v) || v.sign || (v.int_digits < 2 && !v.frac)) return 0;
  begin(c, TEXT_KIND_CARDINAL, i, i + 1);
  say_num(c, &v);
  text_say(c, scale);
  return 1;
}

static const char *const weekday_name[7] = {"monday", "tuesday", "wednesday", "thursday",
                                            "friday",  "saturday", "sunday"};

/* Mon-Fri, Monday-Friday: a range of weekdays */
static int weekday(const char *s, size_t n) {
  static const char *const day[][3] = {
      {"monday", "mon", NULL},       {"tuesday", "tue", "tues"},
      {"wednesday", "wed", NULL},    {"thursday", "thu", "thurs"},
      {"friday", "fri", NULL},       {"saturday", "sat", NULL},
      {"sunday", "sun", NULL}};
  if (n && s[n - 1] == '.') n--;
  if (n < 3 || n > 9 || !s[0] || !strchr("MTWFS", s[0])) return 0;
  for (int d = 0; d < 7; d++)
    for (int k = 0; k < 3; k++)
      if (day[d][k] && strlen(day[d][k]) == n && strncasecmp(day[d][k], s, n) == 0)
        return d + 1;
  return 0;
}

static int try_weekday_range(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i), k = 0;
  while (k < n && s[k] != '-') k++; /* an en dash is folded to '-' */
  if (k == n) return 0;
  int a = weekday(s, k), b = k + 1 < n ? weekday(s + k + 1, n - k - 1) : 0;
  if (!a || !b || a == b) {
    /* Jan-Mar, Jan.-Mar: a range of months written short (capitalised) */
    size_t ka = k - (k > 0 && s[k - 1] == '.'), nb = n - k - 1;
    if (nb > 0 && s[n - 1] == '.') nb--;
    if (!isup((unsigned char)s[0]) || k + 1 >= n || !isup((unsigned char)s[k + 1]) || ka < 3 ||
        nb < 3 || !(a = text_month_find(s, ka)) || !(b = text_month_find(s + k + 1, nb)) || a == b)
      return 0;
    begin(c, TEXT_KIND_RANGE, i, i + 1);
    text_say(c, text_month_name(a));
    text_say(c, "to");
    text_say(c, text_month_name(b));
    return 1;
  }
  begin(c, TEXT_KIND_RANGE, i, i + 1);
  text_say(c, weekday_name[a - 1]);
  text_say(c, "to");
  text_say(c, weekday_name[b - 1]);
  return 1;
}

/* Sat, Oct 5; Sun. Jan. 3; Sat. 9/14: a weekday written short before a date */
static int try_weekday_abbr(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  int d = P(c, i) || n > 6 ? 0 : weekday(s, n);
  if (!d || n - (s[n - 1] == '.') >= strlen(weekday_name[d - 1])) return 0;
  uint32_t j = i + 1;
  if (raw_is(c, j, ".")) j++; /* Sun. is cut from its period */
  if (raw_is(c, j, ",")) j++;
  unsigned day;
  uint64_t a, b;
  int month = month_word(c, j) || (short_month(c, j) && day_num(c, j + 1, &day)) ||
              (j < c->n_raw && !P(c, j) && frac_parts(S(c, j), L(c, j), &a, &b) && a >= 1 &&
               a <= 12 && b <= 31); /* Sat. 9/14 */
  if (!month) return 0;
  begin(c, TEXT_KIND_ABBREVIATION, i, i + 1);
  text_say(c, weekday_name[d - 1]);
  return 1;
}

/* plain numbers: cardinals, decimals, years, identifiers */
static int try_number(text_ctx *c, uint32_t i) {
  num v;
  char b[NB];
  if (!raw_num(c, i, &v)) return 0;
  if (!v.frac && !v.commas && !v.sign && v.int_digits == 4 && v.ip / 100 <= 23 &&
      v.ip % 100 <= 59 && i + 1 < c->n_raw && !P(c, i + 1) &&
      L(c, i + 1) == 5 && !strncasecmp(S(c, i + 1), "hours", 5)) {
    /* 0800 hours, 1430 hours: the 24-hour clock said as soldiers say it */
    const char *d = S(c, i);
    begin(c, TEXT_KIND_TIME, i, i + 1);
    if (d[0] == '0') {
      text_say(c, "oh");
      text_say(c, text_digit_word(d[1] - '0'));
    } else {
      say_cardinal(c, v.ip / 100);
    }
    if (v.ip % 100 == 0) {
      text_say(c, "hundred");
    } else {
      if (v.ip % 100 < 10) text_say(c, "oh");
      say_cardinal(c, v.ip % 100);
    }
    return 1;
  }
  if (!v.frac && !v.commas && !v.sign && !v.lead_zero &&
      (word_before_is(c, i, ident_words) ||
       (word_before_is(c, i, ident_names) && isup((unsigned char)S(c, i - 1)[0])))) {
    begin(c, TEXT_KIND_DIGITS, i, i + 1);
    say_ident_digits(c, S(c, i), L(c, i));
    return 1;
  }
  /* 911, 411: service numbers are said digit by digit, unless they count
   * something (911 people) or follow a counting word (page 411) */
  if (!v.frac && !v.commas && !v.sign && !v.lead_zero && v.int_digits == 3 &&
      v.ip % 100 == 11 && v.ip >= 211 && !word_before_is(c, i, count_words) &&
      (!next_is_plural_word(c, i + 1) || raw_is(c, i + 1, "calls"))) {
    begin(c, TEXT_KIND_DIGITS, i, i + 1);
    say_digits(c, S(c, i), L(c, i));
    return 1;
  }
  int year_shape = !v.frac && !v.commas && !v.sign && !v.lead_zero &&
                   v.int_digits == 4 && v.ip <= 2099 &&
                   (v.ip >= 1100 || (v.ip >= 1000 && (word_before_is(c, i, year_words) ||
                                                      month_word(c, i - 1))));
  if (year_shape) {
    int prev_month = i > 0 && (month_word(c, i - 1) ||
                               (i > 1 && raw_is(c, i - 1, ",") && c->n_tokens &&
                                c->tokens[c->n_tokens - 1].kind == TEXT_KIND_DATE));
    int year = prev_month || word_before_is(c, i, year_words) ||
               (!word_before_is(c, i, count_words) && !next_is_plural_word(c, i + 1));
    if (year) {
      begin(c, TEXT_KIND_YEAR, i, i + 1);
      text_num_year(v.ip, b, sizeof b);
      text_say(c, b);
      return 1;
    }
  }
  begin(c, v.lead_zero ? TEXT_KIND_DIGITS : TEXT_KIND_CARDINAL, i, i + 1);
  say_num(c, &v);
  return 1;
}

/* --- Roman numerals ------------------------------------------------------ */

static int roman_digit(char ch) {
  switch (ch) {
  case 'I': return 1;
  case 'V': return 5;
  case 'X': return 10;
  case 'L': return 50;
  case 'C': return 100;
  case 'D': return 500;
  case 'M': return 1000;
  default: return 0;
  }
}

/* value of a canonical Roman numeral (MCMXCIV), else 0 */
static int roman_value(const char *s, size_t n) {
  static const char *const th[] = {"", "M", "MM", "MMM"};
  static const char *const hu[] = {"", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"};
  static const char *const te[] = {"", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"};
  static const char *const on[] = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"};
  if (n == 0 || n > 15) return 0;
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    int d = roman_digit(s[i]);
    if (!d) return 0;
    int next = i + 1 < n ? roman_digit(s[i + 1]) : 0;
    v += d < next ? -d : d;
  }
  if (v <= 0 || v >= 4000) return 0;
  /* only the canonical spelling counts (IIII, VX, IC are not numerals) */
  char b[20];
  int k = snprintf(b, sizeof b, "%s%s%s%s", th[v / 1000], hu[v / 100 % 10],
                   te[v / 10 % 10], on[v % 10]);
  return (size_t)k == n && memcmp(b, s, n) == 0 ? v : 0;
}

static const char *const roman_cardinal_words[] = {
    "war", "chapter", "part", "book", "volume", "vol", "act", "scene", "phase",
    "episode", "title", "article", "section", "grade", "class", "type",
    "stage", "level", "bowl", "apollo", "rocky", "schedule", "appendix",
    "figure", "table", "series", "round", "world", "fantasy", "wrestlemania", "auto",
    "kombat", "fighter", "quest", "civilization", "olympiad", "legends", "chronicles", NULL};
static const char *const not_names[] = {
    "the", "a", "an", "in", "on", "at", "of", "and", "but", "or", "if", "my",
    "we", "he", "she", "it", "they", "to", "for", "with", "as", "by", NULL};

static int try_roman(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  char b[NB];
  if (c->shouting) return 0;
  if (n == 2 && s[1] == '.' && s[0] == 'I' && word_before_is(c, i, roman_cardinal_words))
    n = 1; /* World War I. (a capital's period stays on it) */
  if (!all_upper(s, n)) return 0;
  int v = roman_value(s, n);
  if (!v) return 0;
  if (word_before_is(c, i, roman_cardinal_words)) {
    begin(c, TEXT_KIND_ROMAN, i, i + 1);
    say_cardinal(c, (uint64_t)v);
    return 1;
  }
  int ivx = 1;
  for (size_t k = 0; k < n; k++) ivx &= s[k] == 'I' || s[k] == 'V' || s[k] == 'X';
  if (ivx && v >= 2 && v <= 39 && !(n == 1 && s[0] == 'X') && i > 0 &&
      cap_word(c, i - 1) && !word_before_is(c, i, not_names)) {
    begin(c, TEXT_KIND_ROMAN, i, i + 1);
    text_say(c, "the");
    text_num_ordinal((uint64_t)v, b, sizeof b);
    text_say(c, b);
    return 1;
  }
  /* Alone, a numeral of four or more letters with a unit or a ten in it
   * (XLIV, VIII, MCMXCIV) is a number: no CMUdict word and hardly an
   * acronym is spelled so. Shorter ones (MIX, CD, MCI, XL) and tens of
   * hundreds alone (DCCC) are words and initialisms too often. */
  int small = 0;
  for (size_t k = 0; k < n; k++) small |= s[k] == 'I' || s[k] == 'V' || s[k] == 'X';
  if (n >= 4 && small) {
    begin(c, TEXT_KIND_ROMAN, i, i + 1);
    say_cardinal(c, (uint64_t)v);
    return 1;
  }
  return 0;
}

/* --- abbreviations ---------------------------------------------------------- */

static int dotted(const char *s, size_t n) {
  size_t groups = 0, i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && isalp((unsigned char)s[j])) j++;
    if (j == i || j - i > 2) return 0;
    groups++;
    if (j == n) return 0; /* must end in a period */
    if (s[j] != '.') return 0;
    i = j + 1;
  }
  return groups >= 1;
}

static int next_starts_digit(const text_ctx *c, uint32_t j) {
  if (j >= c->n_raw || P(c, j)) return 0;
  char ch = S(c, j)[0];
  return isdig((unsigned char)ch) || (ch == '#' && L(c, j) > 1);
}

static int try_abbreviation(text_ctx *c, uint32_t i) {
  num v;
  if (L(c, i) > 3 && !strncasecmp(S(c, i), "no.", 3) && isup((unsigned char)S(c, i)[0]) &&
      whole_num(S(c, i) + 3, L(c, i) - 3, &v) && !v.sign && !v.frac) {
    begin(c, TEXT_KIND_ABBREVIATION, i, i + 1); /* No.1: number one */
    text_say(c, "number");
    say_num(c, &v);
    return 1;
  }
  const char *s = S(c, i);
  size_t n = L(c, i);
  const text_abbr *a = NULL;
  int has_period = n >= 2 && s[n - 1] == '.';
  if (has_period) {
    a = text_abbr_find(s, n - 1);
  } else if (n >= 2 && n <= 3 && isup((unsigned char)s[0]) && cap_word(c, i + 1)) {
    /* British style without the period, before a name: Mr Smith, Dr Who */
    a = text_abbr_find(s, n);
    if (a && strcasecmp(a->key, "mr") && strcasecmp(a->key, "mrs") &&
        strcasecmp(a->key, "ms") && strcasecmp(a->key, "dr") && strcasecmp(a->key, "st"))
      a = NULL;
  }
  if (a || has_period) {
  } else if (n >= 2 && n <= 4 && isup((unsigned char)s[0]) && !all_upper(s, n) && i > 0 &&
             !P(c, i - 1) &&
             ((L(c, i - 1) >= 3 && isdig((unsigned char)S(c, i - 1)[0]) &&
               isalp((unsigned char)S(c, i - 1)[L(c, i - 1) - 1])) ||
              (cap_word(c, i - 1) && !sentence_initial(c, i - 1)))) {
    /* a street after its ordinal or its name without the period: 5th St,
     * Bay Rd, Main St (St before a name is Saint: Main St Louis is not said) */
    static const char *const streets[] = {"St", "Ave", "Rd", "Blvd", "Ln", "Pkwy", "Hwy", NULL};
    int saint = n == 2 && s[1] == 't' && cap_word(c, i + 1);
    for (size_t k = 0; streets[k] && !a && !saint; k++)
      if (strlen(streets[k]) == n && memcmp(streets[k], s, n) == 0) a = text_abbr_find(s, n);
  } else if (n >= 2 && n <= 4 && next_starts_digit(c, i + 1) && !all_upper(s, n)) {
    /* an address's parts without the period, before their number: Apt 4B,
     * Hwy 101, ext 204 */
    static const char *const bare[] = {"Apt", "Hwy", "Rte", "Rm", "Ste", "Bldg", "ext", NULL};
    for (size_t k = 0; bare[k] && !a; k++)
      if (strlen(bare[k]) == n && memcmp(bare[k], s, n) == 0) a = text_abbr_find(s, n);
  }
  if (!a && ((n == 2 && !memcmp(s, "vs", 2)) ||
             (n == 1 && s[0] == 'v' && i > 0 && cap_word(c, i - 1) && cap_word(c, i + 1)))) {
    begin(c, TEXT_KIND_ABBREVIATION, i, i + 1); /* Ali vs Frazier, Roe v Wade */
    text_say(c, "versus");
    return 1;
  }
  if (!a) {
    if (has_period && dotted(s, n)) {
      char k[16];
      size_t kn = 0;
      for (size_t q = 0; q < n && kn < sizeof k - 1; q++)
        if (s[q] != '.') k[kn++] = (char)(s[q] | 0x20);
      k[kn] = 0;
      if (strcmp(k, "eg") == 0) {
        begin(c, TEXT_KIND_ABBREVIATION, i, i + 1);
        text_say(c, "for example");
        return 1;
      }
      if (strcmp(k, "ie") == 0) {
        begin(c, TEXT_KIND_ABBREVIATION, i, i + 1);
        text_say(c, "that is");
        return 1;
      }
      if (strcmp(k, "pa") == 0 && s[0] == 'p') { /* 4.5% p.a. */
        begin(c, TEXT_KIND_ABBREVIATION, i, i + 1);
        text_say(c, "per annum");
        return 1;
      }
      begin(c, TEXT_KIND_INITIALISM, i, i + 1);
      text_say_letters(c, s, n);
      return 1;
    }
    return 0;
  }
  int prev_num = i > 0 && !P(c, i - 1) && isdig((unsigned char)S(c, i - 1)[L(c, i - 1) - 1]);
  int prev_one = prev_num && L(c, i - 1) == 1 && S(c, i - 1)[0] == '1';
  const char *r = a->reading;
  switch (a->when) {
  case TEXT_ABBR_CONTEXT: {
    int title = cap_word(c, i + 1);
    int place = prev_num || (i > 0 && cap_word(c, i - 1) &&
                             (!sentence_initial(c, i - 1) || !title));
    if (!strcmp(a->key, "ft")) {
      if (prev_num) r = prev_one ? "foot" : "feet";
      else r = "fort";
    } else if (place) {
      r = a->other;
    } else if (title) {
      r = a->reading;
    } else {
      r = !strcmp(a->key, "st") ? a->other : a->reading;
    }
    break;
  }
  case TEXT_ABBR_AFTER_NUM:
    if (!prev_num) return 0;
    if (prev_one && a->other) r = a->other;
    break;
  case TEXT_ABBR_BEFORE_NUM:
    if (!next_starts_digit(c, i + 1)) return 0;
    break;
  case TEXT_ABBR_CAP:
    if (!isup((unsigned char)s[0])) return 0;
    /* APR., COL. in capitals among lower-case words are initialisms unless
     * a number follows (APR. 5) */
    if (n - has_period >= 3 && all_upper(s, n - has_period) && !c->shouting &&
        !next_starts_digit(c, i + 1))
      return 0;
    break;
  default:
    break;
  }
  if (!strcmp(a->key, "est")) { /* Est. 1872: established; est. 2 hours, est. $5: estimated */
    num y;
    uint32_t j = i + 1 + (uint32_t)raw_is(c, i + 1, ".");
    int year = raw_num(c, j, &y) && !y.frac && !y.commas && y.int_digits == 4 && y.ip >= 1100 &&
               y.ip <= 2099 && !next_is_plural_word(c, j + 1);
    if (!year) r = "estimated";
  }
  begin(c, TEXT_KIND_ABBREVIATION, i, i + 1);
  text_say(c, r);
  return 1;
}

/* --- URLs, e-mail, symbols ---------------------------------------------------- */

/* labels with a customary reading: 1 said as a word, 2 spelled, 0 no rule */
static int url_label_said(const char *key, int kn) {
  static const char *const word[] = {"com", "org", "net", "gov", "info", "biz", NULL};
  static const char *const letters[] = {"www", "edu", "co", "uk", "io", "us", "tv",
                                        "ai", "eu", "de", "fr", "ca", "au", NULL};
  if (kn <= 0) return 2;
  for (size_t k = 0; word[k]; k++)
    if (!strcmp(key, word[k])) return 1;
  for (size_t k = 0; letters[k]; k++)
    if (!strcmp(key, letters[k])) return 2;
  return 0;
}

static void say_url_part(text_ctx *c, const char *s, size_t n) {
  /* letters: a word when it looks like one, else spelled; digits one by one */
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    if (isalp((unsigned char)s[i])) {
      while (j < n && isalp((unsigned char)s[j])) j++;
      char key[TEXT_KEY_MAX + 1];
      int kn = key_of(s + i, j - i, key, sizeof key);
      int said_as = url_label_said(key, kn);
      if (said_as == 0 && kn >= 2 &&
          (in_dict(c, key, (size_t)kn) || (kn >= 3 && has_vowel(key, (size_t)kn))))
        said_as = 1;
      if (said_as == 1) text_say_n(c, key, (size_t)kn);
      else text_say_letters(c, s + i, j - i);
    } else if (isdig((unsigned char)s[i])) {
      while (j < n && isdig((unsigned char)s[j])) j++;
      say_digits(c, s + i, j - i);
    } else {
      switch (s[i]) {
      case '.': text_say(c, "dot"); break;
      case '/': text_say(c, "slash"); break;
      case ':': text_say(c, "colon"); break;
      case '-': text_say(c, "dash"); break;
      case '_': text_say(c, "underscore"); break;
      case '@': text_say(c, "at"); break;
      case '~': text_say(c, "tilde"); break;
      case '?': text_say(c, "question mark"); break;
      case '=': text_say(c, "equals"); break;
      case '&': text_say(c, "and"); break;
      case '#': text_say(c, "hash"); break;
      case '+': text_say(c, "plus"); break;
      default: break;
      }
      j = i + 1;
    }
    i = j;
  }
}

static int url_shape(const char *s, size_t n) {
  if (n >= 4 && strncasecmp(s, "www.", 4) == 0) return 1;
  const char *sc = NULL;
  for (size_t k = 0; k + 3 <= n; k++)
    if (s[k] == ':' && s[k + 1] == '/' && s[k + 2] == '/') sc = s + k;
  if (sc) return 1;
  /* host.tld[/path]: labels of letters, digits and hyphens */
  size_t end = n; /* the host ends at a path, query or fragment */
  for (const char *m = "/?#"; *m; m++) {
    const char *at = memchr(s, *m, end);
    if (at) end = (size_t)(at - s);
  }
  size_t labels = 0, last_a = 0, i = 0, longest = 0;
  while (i < end) {
    size_t a = i;
    while (i < end && (isalp((unsigned char)s[i]) || isdig((unsigned char)s[i]) || s[i] == '-')) i++;
    if (i == a) return 0;
    labels++;
    last_a = a;
    if (i - a > longest) longest = i - a;
    if (i == end) break;
    if (s[i] != '.') return 0;
    i++;
    if (i == end) return 0;
  }
  return labels >= 2 && longest >= 2 && text_is_tld(s + last_a, end - last_a) &&
         isalp((unsigned char)s[0]);
}

/* report_final.pdf, config.yaml: a file name, its parts said as a URL's
 * are, "dot" before the extension */
static int is_filename(const char *s, size_t n) {
  const char *dot = memrchr(s, '.', n);
  if (!dot || dot - s < 2 || !text_is_file_ext(dot + 1, (size_t)(s + n - dot - 1))) return 0;
  int letter = 0;
  for (const char *p = s; p < dot; p++) {
    if (isalp((unsigned char)*p)) letter = 1;
    else if (!isdig((unsigned char)*p) && *p != '_' && *p != '-') return 0;
  }
  return letter;
}

/* 192.168.1.1: four numbers up to 255, said digit by digit with dot */
static int try_ip(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i), k = 0;
  int groups = 0;
  while (k < n && groups < 4) {
    size_t a = k;
    while (k < n && isdig((unsigned char)s[k])) k++;
    if (k == a || k - a > 3 || digits_value(s + a, k - a) > 255) return 0;
    groups++;
    if (k < n && (s[k] != '.' || groups == 4)) return 0;
    k += k < n;
  }
  if (groups != 4 || k != n) return 0;
  begin(c, TEXT_KIND_DIGITS, i, i + 1);
  for (k = 0; k < n; k++) {
    if (s[k] == '.') text_say(c, "dot");
    else text_say(c, text_digit_word(s[k] - '0'));
  }
  return 1;
}

static int try_url_email(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  if (is_filename(s, n)) {
    begin(c, TEXT_KIND_URL, i, i + 1);
    say_url_part(c, s, n);
    return 1;
  }
  const char *at = memchr(s, '@', n);
  if (at && at > s && memchr(at, '.', (size_t)(s + n - at)) && at + 1 < s + n &&
      url_shape(at + 1, (size_t)(s + n - at - 1))) {
    begin(c, TEXT_KIND_EMAIL, i, i + 1);
    say_url_part(c, s, n);
    return 1;
  }
  if (!at && url_shape(s, n)) {
    begin(c, TEXT_KIND_URL, i, i + 1);
    size_t k = 0;
    if (n > 8 && strncasecmp(s, "https://", 8) == 0) k = 8;
    else if (n > 7 && strncasecmp(s, "http://", 7) == 0) k = 7;
    say_url_part(c, s + k, n - k - (s[n - 1] == '/' ? 1 : 0));
    return 1;
  }
  return 0;
}

/* a piece of symbols and punctuation only */
static void symbols(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  int said = 0, unknown = 0;
  if (n >= 2 && (s[0] == '<' || s[0] == '>') && strspn(s, s[0] == '<' ? "<" : ">") == n) {
    begin(c, TEXT_KIND_PUNCT, i, i + 1); /* <<, >>: quotation marks, e-mail's brackets */
    return;
  }
  begin(c, TEXT_KIND_SYMBOL, i, i + 1);
  for (size_t k = 0; k < n;) {
    size_t len;
    const char *pair = sign_pair(s + k, n - k);
    if (pair) {
      text_say(c, pair);
      said = 1;
      k += 2;
      continue;
    }
    uint32_t cp = code_point(s + k, n - k, &len);
    const char *r = text_symbol_reading(cp);
    if (r) {
      text_say(c, r);
      said = 1;
    } else if (cp >= 0x80 || !strchr("-/\\|^*_`'\".,:;!?()[]{}", (int)cp)) {
      unknown = 1;
    }
    k += len;
  }
  if (!said && !unknown) set_kind(c, TEXT_KIND_PUNCT);
  if (unknown && !said) set_error(c, TEXT_TOKEN_UNREADABLE);
}

/* --- words ----------------------------------------------------------------- */

/* a dictionary headword with hyphens, as one spoken word */
static void add_hyphenated(text_ctx *c, const char *key, size_t n) {
  text_say_n(c, key, n);
}

/* A piece with Greek letters (ΔH, α-helix, TNF-α): each Greek letter by
 * its name, the Latin and the digits between as in an identifier. Returns
 * 0 when the piece has none. */
static int greek_word(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i), k = 0, len;
  int greek = 0;
  for (k = 0; k < n && !greek; k++) /* the lead bytes of U+0391..U+03C9 */
    greek = (unsigned char)s[k] == 0xce || (unsigned char)s[k] == 0xcf;
  if (!greek) return 0;
  for (k = 0, greek = 0; k < n && !greek; k += len)
    greek = text_greek_name(code_point(s + k, n - k, &len)) != NULL;
  if (!greek) return 0;
  begin(c, TEXT_KIND_WORD, i, i + 1);
  size_t a = 0;
  for (k = 0; k <= n; k += len) {
    const char *g = k < n ? text_greek_name(code_point(s + k, n - k, &len)) : NULL;
    len = k < n ? len : 1;
    if (k < n && !g && s[k] != '-') continue;
    if (k > a) say_alnum(c, s + a, k - a);
    if (g) text_say(c, g);
    a = k + len;
  }
  return 1;
}

static void word(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  int alpha = 0, digit = 0, other = 0, upper = 1;
  if (greek_word(c, i)) return;
  for (size_t k = 0; k < n;) {
    unsigned char ch = (unsigned char)s[k];
    if (ch >= 0x80) { /* other scripts: a letter by its category */
      utf8proc_int32_t cp;
      utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)s + k,
                                              (utf8proc_ssize_t)(n - k), &cp);
      if (len <= 0) break;
      utf8proc_category_t cat = utf8proc_category(cp);
      if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) alpha = 1;
      else other = 1;
      k += (size_t)len;
      continue;
    }
    if (isalp(ch)) alpha = 1, upper &= isup(ch);
    else if (isdig(ch)) digit = 1;
    else if (ch != '\'' && ch != '-' && ch != '.') other = 1;
    k++;
  }
  if (!alpha && !digit) {
    symbols(c, i);
    return;
  }
  begin(c, TEXT_KIND_WORD, i, i + 1);
  if (digit || other) {
    /* AT&T, R&D: letters round a symbol */
    set_kind(c, digit ? TEXT_KIND_DIGITS : upper ? TEXT_KIND_INITIALISM : TEXT_KIND_WORD);
    say_alnum(c, s, n);
    return;
  }
  /* clipped words: 'n' (rock 'n' roll) */
  if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'' && n == 3) {
    char key[8];
    int kn = key_of(s, n - 1, key, sizeof key);
    if (kn > 0) text_say_n(c, key, (size_t)kn);
    return;
  }
  if (memchr(s, '-', n) && n <= TEXT_KEY_MAX) {
    char key[TEXT_KEY_MAX + 1];
    for (size_t k = 0; k < n; k++) key[k] = (char)(isup((unsigned char)s[k]) ? s[k] | 0x20 : s[k]);
    key[n] = '\0';
    if (in_dict(c, key, n)) { /* x-ray, e-mail: the dictionary's own entry */
      add_hyphenated(c, key, n);
      return;
    }
  }
  /* hyphenated compounds and dotted leftovers: part by part */
  unsigned kind = TEXT_KIND_WORD;
  size_t a = 0;
  int parts = 0;
  for (size_t k = 0; k <= n; k++) {
    if (k < n && s[k] != '-' && s[k] != '.') continue;
    if (k > a) {
      size_t pn = k - a;
      unsigned pk;
      if (pn == 1 && isalp((unsigned char)s[a]) && (memchr(s, '-', n) != NULL) &&
          !(s[a] == 'a' || s[a] == 'A' || s[a] == 'I')) {
        text_say_letter(c, s[a]);
        pk = TEXT_KIND_WORD;
      } else {
        pk = say_alpha(c, s + a, pn, 0);
      }
      if (!parts) kind = pk;
      parts++;
    }
    a = k + 1;
  }
  if (parts == 1) set_kind(c, kind);
}

/* --- addresses: a state's postal code before a ZIP code ------------------ */

static const char *const us_states[][2] = {
    {"AL", "alabama"}, {"AK", "alaska"}, {"AZ", "arizona"}, {"AR", "arkansas"},
    {"CA", "california"}, {"CO", "colorado"}, {"CT", "connecticut"},
    {"DE", "delaware"}, {"DC", NULL}, {"FL", "florida"}, {"GA", "georgia"},
    {"HI", "hawaii"}, {"ID", "idaho"}, {"IL", "illinois"}, {"IN", "indiana"},
    {"IA", "iowa"}, {"KS", "kansas"}, {"KY", "kentucky"}, {"LA", "louisiana"},
    {"ME", "maine"}, {"MD", "maryland"}, {"MA", "massachusetts"},
    {"MI", "michigan"}, {"MN", "minnesota"}, {"MS", "mississippi"},
    {"MO", "missouri"}, {"MT", "montana"}, {"NE", "nebraska"}, {"NV", "nevada"},
    {"NH", "new hampshire"}, {"NJ", "new jersey"}, {"NM", "new mexico"},
    {"NY", "new york"}, {"NC", "north carolina"}, {"ND", "north dakota"},
    {"OH", "ohio"}, {"OK", "oklahoma"}, {"OR", "oregon"}, {"PA", "pennsylvania"},
    {"RI", "rhode island"}, {"SC", "south carolina"}, {"SD", "south dakota"},
    {"TN", "tennessee"}, {"TX", "texas"}, {"UT", "utah"}, {"VT", "vermont"},
    {"VA", "virginia"}, {"WA", "washington"}, {"WV", "west virginia"},
    {"WI", "wisconsin"}, {"WY", "wyoming"}, {"PR", "puerto rico"}};
/* NULL: said by its letters (DC 20500: d c). */

/* IL 62704, NY 10001-1234: the state by name, the ZIP digit by digit. Only
 * before a ZIP code: alone, IN, OK, ME or OR are words. */
static uint32_t try_state_zip(text_ctx *c, uint32_t i) {
  if (L(c, i) == 5 && all_digits(S(c, i), 5) && i > 0 && cap_word(c, i - 1) &&
      !next_is_plural_word(c, i + 1)) {
    /* Austin, Texas 78712; New York 10118: a ZIP code after a state's name
     * (its last word, capitalised), digit by digit */
    const char *w = S(c, i - 1);
    size_t wn = L(c, i - 1);
    for (size_t k = 0; k < sizeof us_states / sizeof us_states[0]; k++) {
      const char *nm = us_states[k][1];
      if (!nm) continue;
      const char *last = strrchr(nm, ' ');
      last = last ? last + 1 : nm;
      if (strlen(last) == wn && strncasecmp(last, w, wn) == 0) {
        begin(c, TEXT_KIND_DIGITS, i, i + 1);
        say_digits(c, S(c, i), 5);
        return 1;
      }
    }
    return 0;
  }
  if (L(c, i) != 2 || i + 1 >= c->n_raw || P(c, i + 1)) return 0;
  const char *s = S(c, i), *z = S(c, i + 1);
  size_t zn = L(c, i + 1);
  if (!(zn == 5 && all_digits(z, 5)) &&
      !(zn == 10 && all_digits(z, 5) && z[5] == '-' && all_digits(z + 6, 4)))
    return 0;
  for (size_t k = 0; k < sizeof us_states / sizeof us_states[0]; k++) {
    if (s[0] != us_states[k][0][0] || s[1] != us_states[k][0][1]) continue;
    begin(c, TEXT_KIND_ABBREVIATION, i, i + 1);
    if (us_states[k][1]) text_say(c, us_states[k][1]);
    else text_say_letters(c, s, 2);
    begin(c, TEXT_KIND_DIGITS, i + 1, i + 2);
    say_digits(c, z, 5);
    if (zn == 10) say_digits(c, z + 6, 4);
    return 2;
  }
  return 0;
}

/* --- a legislator's party and state: (D-Calif.), R-Texas ------------------ */

/* The AP's state abbreviations (their period is a piece of its own) and
 * the names it writes out. */
static const char *const ap_states[][2] = {
    {"Ala", "alabama"}, {"Ariz", "arizona"}, {"Ark", "arkansas"},
    {"Calif", "california"}, {"Colo", "colorado"}, {"Conn", "connecticut"},
    {"Del", "delaware"}, {"Fla", "florida"}, {"Ga", "georgia"},
    {"Ill", "illinois"}, {"Ind", "indiana"}, {"Kan", "kansas"},
    {"Ky", "kentucky"}, {"La", "louisiana"}, {"Md", "maryland"},
    {"Mass", "massachusetts"}, {"Mich", "michigan"}, {"Minn", "minnesota"},
    {"Miss", "mississippi"}, {"Mo", "missouri"}, {"Mont", "montana"},
    {"Neb", "nebraska"}, {"Nev", "nevada"}, {"N.H", "new hampshire"},
    {"N.J", "new jersey"}, {"N.M", "new mexico"}, {"N.Y", "new york"},
    {"N.C", "north carolina"}, {"N.D", "north dakota"}, {"Okla", "oklahoma"},
    {"Ore", "oregon"}, {"Pa", "pennsylvania"}, {"R.I", "rhode island"},
    {"S.C", "south carolina"}, {"S.D", "south dakota"}, {"Tenn", "tennessee"},
    {"Vt", "vermont"}, {"Va", "virginia"}, {"Wash", "washington"},
    {"W.Va", "west virginia"}, {"Wis", "wisconsin"}, {"Wyo", "wyoming"},
    {"Alaska", "alaska"}, {"Hawaii", "hawaii"}, {"Idaho", "idaho"},
    {"Iowa", "iowa"}, {"Maine", "maine"}, {"Ohio", "ohio"},
    {"Texas", "texas"}, {"Utah", "utah"}};

/* 1600 Pennsylvania Ave. NW, SE 5th St: a compass quarter written short
 * beside a street, said in full (alone, NW and SE stay letters) */
static int try_compass(text_ctx *c, uint32_t i) {
  static const char *const q[][2] = {{"NW", "northwest"}, {"NE", "northeast"},
                                     {"SW", "southwest"}, {"SE", "southeast"}};
  static const char *const street[] = {"st", "ave", "blvd", "rd", "dr", "ln", "ct", "pl",
                                       "pkwy", "hwy", "way", "street", "avenue", "road",
                                       "drive", "boulevard", "lane", "court", "place", NULL};
  if (P(c, i)) return 0;
  const char *s = S(c, i);
  size_t n = L(c, i);
  char two[2];
  if (n == 2) two[0] = s[0], two[1] = s[1];
  else if (n == 4 && s[1] == '.' && s[3] == '.') two[0] = s[0], two[1] = s[2]; /* N.W. */
  else return 0;
  for (size_t k = 0; k < 4; k++) {
    if (two[0] != q[k][0][0] || two[1] != q[k][0][1]) continue;
    /* Ave . NW, Street , N.W.: a period or a comma between */
    uint32_t b = i > 0 && (raw_is(c, i - 1, ".") || raw_is(c, i - 1, ",")) ? i - 1 : i;
    int after_street = word_before_is(c, b, street) && isup((unsigned char)S(c, b - 1)[0]);
    const text_token *t = token_before(c, i);
    int after_measure = t && t->kind == TEXT_KIND_MEASURE; /* 40 km SW of the city */
    if (!after_street && !after_measure && !next_starts_digit(c, i + 1)) return 0;
    begin(c, TEXT_KIND_ABBREVIATION, i, i + 1);
    text_say(c, q[k][1]);
    return 1;
  }
  return 0;
}

/* Springfield, IL; Portland, Ore.: a state written short after a city and
 * its comma is said by name. Alone, IN, OK, OR or Ore are words, and so is
 * a two-letter word after an opening word (Well, OK; Yes, IN there). */
static uint32_t try_city_state(text_ctx *c, uint32_t i) {
  if (i < 2 || c->shouting || !raw_is(c, i - 1, ",") || !cap_word(c, i - 2)) return 0;
  const char *s = S(c, i);
  size_t n = L(c, i);
  if (n == 2 && isup((unsigned char)s[0]) && isup((unsigned char)s[1])) {
    static const char *const openers[] = {"well", "hi", "hey", "hello", "yes", "yeah", "no",
                                          "oh", "ok", "okay", "so", "right", "sure", "fine",
                                          "thanks", "now", "and", "but", "or", "then",
                                          "alright", "great", "good", NULL};
    if (caps2_word(s) && word_before_is(c, i - 1, openers)) return 0;
    for (size_t k = 0; k < sizeof us_states / sizeof us_states[0]; k++)
      if (s[0] == us_states[k][0][0] && s[1] == us_states[k][0][1] && us_states[k][1]) {
        begin(c, TEXT_KIND_ABBREVIATION, i, i + 1);
        text_say(c, us_states[k][1]);
        return 1;
      }
    return 0;
  }
  size_t m = n - (n > 1 && s[n - 1] == '.');
  if (m == n && !raw_is(c, i + 1, ".")) return 0; /* Ore. and Wash. need their period */
  for (size_t k = 0; k < sizeof ap_states / sizeof ap_states[0]; k++)
    if (strlen(ap_states[k][0]) == m && memcmp(ap_states[k][0], s, m) == 0 &&
        m < strlen(ap_states[k][1])) {
      begin(c, TEXT_KIND_ABBREVIATION, i, i + 1);
      text_say(c, ap_states[k][1]);
      return 1;
    }
  return 0;
}

static int try_party(text_ctx *c, uint32_t i) {
  const char *s = S(c, i);
  size_t n = L(c, i);
  if (n < 4 || s[1] != '-') return 0;
  const char *party = s[0] == 'D' ? "democrat" : s[0] == 'R' ? "republican"
                    : s[0] == 'I' ? "independent" : NULL;
  if (!party) return 0;
  for (size_t k = 0; k < sizeof ap_states / sizeof ap_states[0]; k++)
    if (strlen(ap_states[k][0]) == n - 2 && memcmp(ap_states[k][0], s + 2, n - 2) == 0) {
      begin(c, TEXT_KIND_ABBREVIATION, i, i + 1);
      text_say(c, party);
      text_say(c, "of");
      text_say(c, ap_states[k][1]);
      return 1;
    }
  return 0;
}

/* --- driver -------------------------------------------------------------- */

static void set_shouting(text_ctx *c) {
  uint32_t words = 0, caps = 0;
  for (uint32_t i = 0; i < c->n_raw; i++) {
    if (P(c, i)) continue;
    const char *s = S(c, i);
    size_t n = L(c, i);
    if (n < 2 || !all_alpha(s, n)) continue;
    words++;
    caps += all_upper(s, n);
  }
  c->shouting = words >= 4 && caps * 10 >= words * 7;
}

void text_classify(text_ctx *c) {
  set_shouting(c);
  uint32_t i = 0;
  while (i < c->n_raw && !c->overflow) {
    uint32_t used;
    /* a piece of letters alone is no number, time, measure or address: the
     * readers that need a digit or a sign are not asked (each would say no) */
    int letters = !P(c, i) && all_alpha(S(c, i), L(c, i));
    if ((!letters && (used = try_phone(c, i))) || (used = try_operator(c, i)) ||
        (used = try_by(c, i)) || (used = try_time_dash(c, i)) ||
        (used = try_section_sign(c, i))) {
      i += used;
      continue;
    }
    if (P(c, i)) {
      begin(c, TEXT_KIND_PUNCT, i, i + 1);
      i++;
      continue;
    }
    const char *s = S(c, i);
    if ((used = try_state_zip(c, i)) || (used = try_city_state(c, i)) ||
        (used = try_compass(c, i)) ||
        (used = try_date_words(c, i)) ||
        (!letters && (used = try_money(c, i))) || (used = try_currency_code(c, i)) ||
        (!letters && ((used = try_duration(c, i)) || (used = try_time(c, i)) ||
                      (used = try_ip(c, i)) || (used = try_date_numeric(c, i)) ||
                      (used = try_percent(c, i)) || (used = try_fraction(c, i)) ||
                      (used = try_decade(c, i)) || (used = try_year_clip(c, i)) ||
                      (used = try_ordinal(c, i)) || (used = try_range(c, i)) ||
                      (used = try_measure(c, i)) || (used = try_multiplier(c, i)) ||
                      (used = try_times_per(c, i)))) ||
        (used = try_weekday_range(c, i)) ||
        (!letters && ((used = try_round_plural(c, i)) || (used = try_number_compound(c, i)))) ||
        (used = try_weekday_abbr(c, i)) ||
        (!letters && ((used = try_scaled(c, i)) || (used = try_power(c, i)) ||
                      (used = try_dimensions(c, i)) || (used = try_ratio(c, i)))) ||
        (used = try_symbol_name(c, i)) || (used = try_fixed_name(c, i)) ||
        (used = try_era(c, i)) || (used = try_party(c, i)) ||
        (!letters && (used = try_number(c, i))) || (used = try_per_unit(c, i)) ||
        (!letters && (used = try_url_email(c, i))) ||
        (used = try_roman(c, i)) || (used = try_abbreviation(c, i))) {
      i += used;
      continue;
    }
    if (s[0] == '#' && L(c, i) > 1 && all_digits(s + 1, L(c, i) - 1)) {
      begin(c, TEXT_KIND_CARDINAL, i, i + 1);
      text_say(c, "number");
      num v;
      if (whole_num(s + 1, L(c, i) - 1, &v)) say_num(c, &v);
      i++;
      continue;
    }
    if (s[0] == '#' && L(c, i) > 2 && all_alpha(s + 1, L(c, i) - 1)) {
      /* #MeToo, #SpaceX: "hashtag", then the words its capitals begin */
      begin(c, TEXT_KIND_WORD, i, i + 1);
      text_say(c, "hashtag");
      size_t n = L(c, i), a = 1;
      for (size_t k = 2; k <= n; k++)
        if (k == n || (isup((unsigned char)s[k]) && islow((unsigned char)s[k - 1]))) {
          if (k - a == 1) text_say_letter(c, s[a]);
          else say_alpha(c, s + a, k - a, 0);
          a = k;
        }
      i++;
      continue;
    }
    word(c, i);
    i++;
  }
}
