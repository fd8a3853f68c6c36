/* phones_form.c -- ARPAbet without stress, and ARPAbet to IPA (see
 * phones_form.h and doc/ipa.md).
 *
 * IPA stress marks belong at the start of a syllable, so the pronunciation
 * is syllabified first: every vowel is a nucleus, and the consonants
 * between two vowels go to the later syllable as far as they form a legal
 * English onset (maximal onset), the rest closing the earlier one. */
#include "g2p/phones_form.h"

#include <string.h>

#define MAX_PHONES 64

/* ARPAbet base -> IPA (General American). AH and ER differ by stress:
 * unstressed AH0 is schwa, ER0 is the r-coloured schwa. */
static const struct {
  const char *arpa;
  const char *ipa;
  const char *ipa_unstressed; /* NULL: same as ipa */
  int vowel;
} table[] = {
  {"AA", "ɑ", NULL, 1},  {"AE", "æ", NULL, 1},  {"AH", "ʌ", "ə", 1},
  {"AO", "ɔ", NULL, 1},  {"AW", "aʊ", NULL, 1}, {"AY", "aɪ", NULL, 1},
  {"EH", "ɛ", NULL, 1},  {"ER", "ɝ", "ɚ", 1},   {"EY", "eɪ", NULL, 1},
  {"IH", "ɪ", NULL, 1},  {"IY", "i", NULL, 1},  {"OW", "oʊ", NULL, 1},
  {"OY", "ɔɪ", NULL, 1}, {"UH", "ʊ", NULL, 1},  {"UW", "u", NULL, 1},
  {"B", "b", NULL, 0},   {"CH", "tʃ", NULL, 0}, {"D", "d", NULL, 0},
  {"DH", "ð", NULL, 0},  {"F", "f", NULL, 0},   {"G", "ɡ", NULL, 0},
  {"HH", "h", NULL, 0},  {"JH", "dʒ", NULL, 0}, {"K", "k", NULL, 0},
  {"L", "l", NULL, 0},   {"M", "m", NULL, 0},   {"N", "n", NULL, 0},
  {"NG", "ŋ", NULL, 0},  {"P", "p", NULL, 0},   {"R", "ɹ", NULL, 0},
  {"S", "s", NULL, 0},   {"SH", "ʃ", NULL, 0},  {"T", "t", NULL, 0},
  {"TH", "θ", NULL, 0},  {"V", "v", NULL, 0},   {"W", "w", NULL, 0},
  {"Y", "j", NULL, 0},   {"Z", "z", NULL, 0},   {"ZH", "ʒ", NULL, 0},
};
#define N_TABLE (sizeof table / sizeof table[0])

/* Onsets of two and three consonants English allows word-initially (every
 * single consonant but NG is one too). */
static const char *const onsets[] = {
  "P R", "P L", "B R", "B L", "T R", "D R", "K R", "K L", "G R", "G L",
  "F R", "F L", "TH R", "SH R", "T W", "D W", "K W", "G W", "TH W", "S W",
  "S P", "S T", "S K", "S M", "S N", "S L", "S F",
  "P Y", "B Y", "K Y", "G Y", "F Y", "V Y", "M Y", "HH Y",
  "S P R", "S P L", "S T R", "S K R", "S K W", "S K L", "S P Y", "S K Y",
};

typedef struct phone {
  int sym;     /* index into table */
  int stress;  /* 0, 1, 2, or -1 without a digit */
} phone;

/* Splits "AA1 R D" into phones; returns their number or -1. */
static int parse(const char *in, size_t len, phone *ph) {
  int n = 0;
  size_t i = 0;
  while (i < len) {
    size_t s = i;
    while (i < len && in[i] != ' ') i++;
    size_t e = i;
    if (e == s || n == MAX_PHONES) return -1;
    int stress = -1;
    if (in[e - 1] >= '0' && in[e - 1] <= '2') {
      stress = in[e - 1] - '0';
      e--;
    }
    int sym = -1;
    for (size_t k = 0; k < N_TABLE; k++)
      if (strlen(table[k].arpa) == e - s && !memcmp(table[k].arpa, in + s, e - s)) {
        sym = (int)k;
        break;
      }
    if (sym < 0 || (stress >= 0 && !table[sym].vowel)) return -1;
    ph[n].sym = sym;
    ph[n].stress = stress;
    n++;
    if (i < len) i++; /* the space */
  }
  return n > 0 ? n : -1;
}

/* Is ph[a..b) a legal onset? */
static int legal_onset(const phone *ph, int a, int b) {
  int n = b - a;
  if (n == 0) return 1;
  if (n == 1) return strcmp(table[ph[a].sym].arpa, "NG") != 0;
  if (n > 3) return 0;
  char seq[16];
  size_t o = 0;
  for (int i = a; i < b; i++) {
    const char *s = table[ph[i].sym].arpa;
    size_t l = strlen(s);
    if (o) seq[o++] = ' ';
    memcpy(seq + o, s, l);
    o += l;
  }
  seq[o] = '\0';
  for (size_t k = 0; k < sizeof onsets / sizeof onsets[0]; k++)
    if (!strcmp(onsets[k], seq)) return 1;
  return 0;
}

static int put(char *out, size_t cap, size_t *o, const char *s) {
  size_t l = strlen(s);
  if (*o + l > cap) return -1;
  memcpy(out + *o, s, l);
  *o += l;
  return 0;
}

int g2p_phones_to_ipa(const char *in, size_t len, int stress, char *out, size_t cap) {
  phone ph[MAX_PHONES];
  int n = parse(in, len, ph);
  if (n < 0) return -1;
  /* mark[i]: the stress mark to write before phone i (0, 1 or 2) */
  unsigned char mark[MAX_PHONES];
  memset(mark, 0, sizeof mark);
  int prev = -1; /* the previous vowel */
  for (int i = 0; i < n; i++) {
    if (!table[ph[i].sym].vowel) continue;
    int start = 0;
    if (prev >= 0) {
      start = i;
      while (start > prev + 1 && legal_onset(ph, start - 1, i)) start--;
    }
    if (ph[i].stress == 1 || ph[i].stress == 2) mark[start] = (unsigned char)ph[i].stress;
    prev = i;
  }
  size_t o = 0;
  for (int i = 0; i < n; i++) {
    if (stress && mark[i] && put(out, cap, &o, mark[i] == 1 ? "ˈ" : "ˌ")) return -1;
    const char *s = table[ph[i].sym].ipa;
    if (ph[i].stress == 0 && table[ph[i].sym].ipa_unstressed)
      s = table[ph[i].sym].ipa_unstressed;
    if (put(out, cap, &o, s)) return -1;
  }
  return (int)o;
}

int g2p_phones_strip_stress(const char *in, size_t len, char *out, size_t cap) {
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    char c = in[i];
    if (c >= '0' && c <= '2' && i > 0 && in[i - 1] != ' ') continue;
    if (o == cap) return -1;
    out[o++] = c;
  }
  return (int)o;
}
