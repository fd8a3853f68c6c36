/* lexicon-test -- the compiled CMUdict and the lexicon reader.
 *
 * Four angles: (1) the build's data/cmudict.lex answers every entry of the
 * vendored index.js as this test's own independent reading of the source
 * says it should (variants in order, comments stripped); (2) the compiler's
 * handling rules on a small hand-written source full of odd lines, checked
 * through its printed counts and the resulting lookups; (3) damaged and
 * hostile files are refused with the specific error, never a crash (run
 * under ASan/UBSan by the sanitizer build); (4) an open lexicon whose file
 * is rewritten in place keeps answering as before. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "g2p/lexicon.h"
#include "g2p/lexicon_format.h"

static char lex_path[4096], src_path[4096], compiler[4096], tmpdir[256];

static int lookup_str(const lexicon *lx, const char *key, unsigned idx,
                      char *out, size_t cap) {
  uint32_t first = 0;
  unsigned n = lexicon_lookup(lx, key, strlen(key), &first);
  if (idx >= n) return (int)n;
  uint16_t len = 0;
  const char *t = lexicon_pron(lx, first + idx, &len);
  snprintf(out, cap, "%.*s", (int)len, t);
  return (int)n;
}

START_TEST(known_words) {
  lexicon *lx;
  char err[512], buf[300];
  ck_assert_msg(lexicon_open(&lx, lex_path, err, sizeof err) == LEX_OK, "%s", err);
  ck_assert_int_eq(lookup_str(lx, "aardvark", 0, buf, sizeof buf), 1);
  ck_assert_str_eq(buf, "AA1 R D V AA2 R K");
  ck_assert_int_eq(lookup_str(lx, "a", 0, buf, sizeof buf), 2);
  ck_assert_str_eq(buf, "AH0");
  lookup_str(lx, "a", 1, buf, sizeof buf);
  ck_assert_str_eq(buf, "EY1");
  /* comment stripped: "AO1 L B AO0 R G # place, danish" */
  ck_assert_int_eq(lookup_str(lx, "aalborg", 0, buf, sizeof buf), 2);
  ck_assert_str_eq(buf, "AO1 L B AO0 R G");
  lookup_str(lx, "aalborg", 1, buf, sizeof buf);
  ck_assert_str_eq(buf, "AA1 L B AO0 R G");
  /* odd keys kept as they are */
  ck_assert_int_eq(lookup_str(lx, "'bout", 0, buf, sizeof buf), 1);
  ck_assert_str_eq(buf, "B AW1 T");
  ck_assert_int_eq(lookup_str(lx, "a.d.", 0, buf, sizeof buf), 1);
  ck_assert_str_eq(buf, "EY2 D IY1");
  ck_assert_int_eq(lookup_str(lx, "ad-hoc", 0, buf, sizeof buf), 1);
  ck_assert_str_eq(buf, "AE1 D HH AA1 K");
  /* absent: variant keys are not words, case is exact, no prefixes */
  ck_assert_int_eq(lookup_str(lx, "a(2)", 0, buf, sizeof buf), 0);
  ck_assert_int_eq(lookup_str(lx, "AARDVARK", 0, buf, sizeof buf), 0);
  ck_assert_int_eq(lookup_str(lx, "aardvar", 0, buf, sizeof buf), 0);
  ck_assert_int_eq(lookup_str(lx, "aardvarkz", 0, buf, sizeof buf), 0);
  ck_assert_int_eq(lookup_str(lx, "qqqzzzxj", 0, buf, sizeof buf), 0);
  ck_assert_int_eq(lexicon_lookup(lx, "a", 0, NULL), 0);
  ck_assert_uint_eq(lexicon_max_variants(lx), 4);
  lexicon_close(lx);
}
END_TEST

/* The checksum is zlib's CRC-32: the standard check value, and every split
 * point of a longer buffer (the 8-byte fast path and the byte tail). */
START_TEST(crc32_vectors) {
  ck_assert_uint_eq(lexf_crc32(0, "123456789", 9), 0xCBF43926u);
  ck_assert_uint_eq(lexf_crc32(0, "", 0), 0);
  unsigned char buf[100];
  for (int i = 0; i < 100; i++) buf[i] = (unsigned char)(i * 37 + 11);
  uint32_t whole = lexf_crc32(0, buf, sizeof buf);
  for (size_t cut = 0; cut <= sizeof buf; cut++)
    ck_assert_uint_eq(lexf_crc32(lexf_crc32(0, buf, cut), buf + cut, sizeof buf - cut), whole);
  ck_assert_int_eq(lexf_phone_valid("AA1", 3), 1);
  ck_assert_int_eq(lexf_phone_valid("AA", 2), 1);
  ck_assert_int_eq(lexf_phone_valid("ZH", 2), 1);
  ck_assert_int_eq(lexf_phone_valid("AA3", 3), 0);
  ck_assert_int_eq(lexf_phone_valid("B1", 2), 0);
  ck_assert_int_eq(lexf_phone_valid("A", 1), 0);
  ck_assert_int_eq(lexf_phone_valid("XX", 2), 0);
}
END_TEST

/* Re-reads index.js independently (sscanf, not the compiler's parser) and
 * checks every entry against the compiled file. */
START_TEST(every_source_entry) {
  lexicon *lx;
  char err[512];
  ck_assert_msg(lexicon_open(&lx, lex_path, err, sizeof err) == LEX_OK, "%s", err);
  FILE *f = fopen(src_path, "r");
  ck_assert_msg(f != NULL, "cannot open %s", src_path);
  char line[1024], key[512], val[512];
  unsigned long entries = 0, checked_variants = 0;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, " \"%511[^\"]\": \"%511[^\"]\"", key, val) != 2) continue;
    entries++;
    char *hash = strchr(val, '#');
    if (hash) *hash = '\0';
    size_t vl = strlen(val);
    while (vl && val[vl - 1] == ' ') val[--vl] = '\0';
    unsigned idx = 0;
    char *paren = strrchr(key, '(');
    if (paren && paren != key && key[strlen(key) - 1] == ')') {
      idx = (unsigned)atoi(paren + 1) - 1;
      *paren = '\0';
      checked_variants++;
    }
    uint32_t first = 0;
    unsigned n = lexicon_lookup(lx, key, strlen(key), &first);
    ck_assert_msg(idx < n, "%s variant %u missing (have %u)", key, idx + 1, n);
    uint16_t len = 0;
    const char *t = lexicon_pron(lx, first + idx, &len);
    ck_assert_msg(len == vl && memcmp(t, val, vl) == 0, "%s(%u): '%.*s' != '%s'",
                  key, idx + 1, (int)len, t, val);
  }
  fclose(f);
  ck_assert_uint_eq(entries, lexicon_prons(lx));
  ck_assert_uint_eq(entries - checked_variants, lexicon_words(lx));
  lexicon_close(lx);
}
END_TEST

/* --- the compiler's rules on a hand-written source ----------------------- */

static void write_file(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  ck_assert_msg(f != NULL, "cannot write %s", path);
  ck_assert_uint_eq(fwrite(data, 1, n, f), n);
  ck_assert_int_eq(fclose(f), 0);
}

static const char odd_source[] =
    "/** @type {{ [word: string]: string }} */\n"
    "export const dictionary = {\n"
    "  \"hello\": \"HH AH0 L OW1\",\n"
    "  \"hello(2)\": \"HH EH0 L OW1 # informal\",\n"
    "  \"Upper\": \"AH1 P ER0\",\n"
    "  \"spaced\": \"S  P EY1 S T   \",\n"
    "  \"esc\\\"aped\": \"EH1 S K\",\n"
    "  \"badphone\": \"B AE1 D XX\",\n"
    "  \"nostress\": \"N AA S T R EH S\",\n"
    "  \"sp ace\": \"S P EY1 S\",\n"
    "  \"semi;colon\": \"S EH1 M IY0\",\n"
    "  \"dup\": \"D AH1 P\",\n"
    "  \"dup\": \"D UW1 P\",\n"
    "  \"same\": \"S EY1 M\",\n"
    "  \"same(2)\": \"S EY1 M\",\n"
    "  \"orphan(2)\": \"AO1 R F AH0 N\",\n"
    "  \"gap\": \"G AE1 P\",\n"
    "  \"gap(3)\": \"G AA1 P\",\n"
    "  \"caf\xc3\xa9\": \"K AE0 F EY1\",\n"
    "  \"bad\xff\": \"B AE1 D\",\n"
    "  \"empty\": \" # nothing\",\n"
    "  \"missing colon\" \"M IH1 S\",\n"
    "  \"trailing\": \"T R EY1 L\", junk\n"
    "  \"b_c\": \"B IY1 S IY1\",\n"
    "  \"under(2)\": \"AH1 N D ER0\",\n"
    "  \"under\": \"AH1 N D ER0 Z\",\n"
    "}\n";

static int run_compiler(const char *flags, const char *src, const char *out,
                        char *log, size_t logcap) {
  char cmd[8192], logpath[512];
  snprintf(logpath, sizeof logpath, "%s/compile.log", tmpdir);
  snprintf(cmd, sizeof cmd, "'%s' %s '%s' '%s' >'%s' 2>&1", compiler, flags, src,
           out, logpath);
  int rc = system(cmd);
  FILE *f = fopen(logpath, "r");
  size_t n = f ? fread(log, 1, logcap - 1, f) : 0;
  log[n] = '\0';
  if (f) fclose(f);
  return rc;
}

START_TEST(compiler_rules) {
  char src[512], out[512], log[16384], err[512], buf[300];
  snprintf(src, sizeof src, "%s/odd.js", tmpdir);
  snprintf(out, sizeof out, "%s/odd.lex", tmpdir);
  write_file(src, odd_source, sizeof odd_source - 1);
  int rc = run_compiler("", src, out, log, sizeof log);
  ck_assert_msg(rc == 0, "compiler failed:\n%s", log);
  /* counts printed by the compiler */
  ck_assert_msg(strstr(log, "structure 3, entries 24"), "%s", log);
  ck_assert_msg(strstr(log, "rejected 8: malformed 2, escaped 1, bad key 3, "
                            "bad phoneme 1, too long 0, empty 1"), "%s", log);
  ck_assert_msg(strstr(log, "comments stripped 2, keys lower-cased 1, non-ASCII keys 1"),
                "%s", log);
  ck_assert_msg(strstr(log, "variants without a plain key 1, numbering gaps 1"), "%s", log);
  ck_assert_msg(strstr(log, "repeated keys 1, repeated pronunciations 1"), "%s", log);
  ck_assert_msg(strstr(log, "written: 11 words, 14 pronunciations, max 2 variants"),
                "%s", log);

  lexicon *lx;
  ck_assert_msg(lexicon_open(&lx, out, err, sizeof err) == LEX_OK, "%s", err);
  ck_assert_int_eq(lookup_str(lx, "hello", 1, buf, sizeof buf), 2);
  ck_assert_str_eq(buf, "HH EH0 L OW1");
  ck_assert_int_eq(lookup_str(lx, "upper", 0, buf, sizeof buf), 1);
  ck_assert_str_eq(buf, "AH1 P ER0");
  ck_assert_int_eq(lookup_str(lx, "Upper", 0, buf, sizeof buf), 0);
  ck_assert_int_eq(lookup_str(lx, "spaced", 0, buf, sizeof buf), 1);
  ck_assert_str_eq(buf, "S P EY1 S T");
  ck_assert_int_eq(lookup_str(lx, "nostress", 0, buf, sizeof buf), 1);
  ck_assert_int_eq(lookup_str(lx, "badphone", 0, buf, sizeof buf), 0);
  ck_assert_int_eq(lookup_str(lx, "sp ace", 0, buf, sizeof buf), 0);
  ck_assert_int_eq(lookup_str(lx, "dup", 0, buf, sizeof buf), 1);
  ck_assert_str_eq(buf, "D AH1 P"); /* the first wins */
  ck_assert_int_eq(lookup_str(lx, "same", 0, buf, sizeof buf), 1);
  ck_assert_int_eq(lookup_str(lx, "orphan", 0, buf, sizeof buf), 1);
  ck_assert_int_eq(lookup_str(lx, "gap", 1, buf, sizeof buf), 2);
  ck_assert_str_eq(buf, "G AA1 P");
  ck_assert_int_eq(lookup_str(lx, "caf\xc3\xa9", 0, buf, sizeof buf), 1);
  ck_assert_int_eq(lookup_str(lx, "b_c", 0, buf, sizeof buf), 1);
  ck_assert_int_eq(lookup_str(lx, "empty", 0, buf, sizeof buf), 0);
  ck_assert_int_eq(lookup_str(lx, "trailing", 0, buf, sizeof buf), 0);
  /* variants ordered by number, not by line */
  ck_assert_int_eq(lookup_str(lx, "under", 0, buf, sizeof buf), 2);
  ck_assert_str_eq(buf, "AH1 N D ER0 Z");
  lexicon_close(lx);

  /* --strict refuses the same source and leaves no output behind */
  snprintf(out, sizeof out, "%s/strict.lex", tmpdir);
  rc = run_compiler("--strict", src, out, log, sizeof log);
  ck_assert_msg(rc != 0, "--strict accepted a bad source:\n%s", log);
  ck_assert_int_ne(access(out, F_OK), 0);
  /* a source without entries is an error */
  snprintf(src, sizeof src, "%s/empty.js", tmpdir);
  write_file(src, "export const dictionary = {\n}\n", 30);
  ck_assert_int_ne(run_compiler("", src, out, log, sizeof log), 0);
}
END_TEST

/* --- hostile files ------------------------------------------------------- */

static unsigned char *good;
static size_t good_len;

static void load_good(void) {
  char src[512], out[512], log[16384];
  snprintf(src, sizeof src, "%s/small.js", tmpdir);
  snprintf(out, sizeof out, "%s/small.lex", tmpdir);
  write_file(src, odd_source, sizeof odd_source - 1);
  ck_assert_int_eq(run_compiler("--quiet", src, out, log, sizeof log), 0);
  FILE *f = fopen(out, "rb");
  ck_assert(f != NULL);
  fseek(f, 0, SEEK_END);
  good_len = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  good = malloc(good_len);
  ck_assert(good != NULL);
  ck_assert_uint_eq(fread(good, 1, good_len, f), good_len);
  fclose(f);
}

static void fix_crcs(unsigned char *b, size_t n) {
  if (n < LEXF_HDR_BYTES) return;
  size_t fb = lexf_get32(b + LEXF_HDR_FILE_BYTES);
  if (fb > n || fb < LEXF_HDR_BYTES) fb = n;
  lexf_put32(b + LEXF_HDR_PAYLOAD_CRC, lexf_crc32(0, b + LEXF_HDR_BYTES, fb - LEXF_HDR_BYTES));
  lexf_put32(b + LEXF_HDR_HEADER_CRC, lexf_crc32(0, b, LEXF_HDR_HEADER_CRC));
}

static int open_bytes(const unsigned char *b, size_t n, char *err, size_t errlen) {
  char path[512];
  snprintf(path, sizeof path, "%s/hostile.lex", tmpdir);
  write_file(path, b, n);
  lexicon *lx = NULL;
  int rc = lexicon_open(&lx, path, err, errlen);
  if (rc == LEX_OK) {
    /* whatever it accepted must be safe to use */
    for (uint32_t i = 0; i < lexicon_words(lx); i++) {
      uint16_t kl;
      unsigned nv;
      uint32_t first;
      const char *k = lexicon_key(lx, i, &kl, &nv, &first);
      ck_assert(lexicon_lookup(lx, k, kl, &first) >= 1);
    }
    lexicon_close(lx);
  } else {
    ck_assert(lx == NULL);
  }
  return rc;
}

#define EXPECT(b, n, code)                                                    \
  do {                                                                        \
    char err_[512] = "";                                                      \
    int rc_ = open_bytes(b, n, err_, sizeof err_);                            \
    ck_assert_msg(rc_ == (code), "got %d (%s), want %d", rc_, err_, code);    \
    ck_assert(rc_ == LEX_OK || err_[0] != '\0');                              \
  } while (0)

START_TEST(hostile_files) {
  load_good();
  unsigned char *b = malloc(good_len + 16);
  ck_assert(b != NULL);
  EXPECT(good, good_len, LEX_OK);

  /* truncated anywhere */
  size_t cuts[] = {0, 1, 8, 63, 64, 65, good_len / 2, good_len - 1};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
    EXPECT(good, cuts[i], LEX_ETRUNCATED);

  /* bad magic, version, header size, trailing data */
  memcpy(b, good, good_len);
  b[0] ^= 0x20;
  EXPECT(b, good_len, LEX_EMAGIC);
  memcpy(b, good, good_len);
  lexf_put32(b + LEXF_HDR_VERSION, 2);
  EXPECT(b, good_len, LEX_EVERSION);
  memcpy(b, good, good_len);
  lexf_put32(b + LEXF_HDR_HDR_BYTES, 128);
  EXPECT(b, good_len, LEX_EHEADER);
  memcpy(b, good, good_len);
  memset(b + good_len, 0, 16);
  EXPECT(b, good_len + 16, LEX_EHEADER);

  /* checksums: a header field or a payload byte changed without fixing */
  memcpy(b, good, good_len);
  lexf_put32(b + LEXF_HDR_N_WORDS, lexf_get32(b + LEXF_HDR_N_WORDS) - 1);
  EXPECT(b, good_len, LEX_ECHECKSUM);
  memcpy(b, good, good_len);
  b[good_len - 3] ^= 1;
  EXPECT(b, good_len, LEX_ECHECKSUM);

  /* with valid checksums: absurd header fields */
  memcpy(b, good, good_len);
  lexf_put32(b + LEXF_HDR_N_WORDS, 0);
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EHEADER);
  memcpy(b, good, good_len);
  lexf_put32(b + LEXF_HDR_N_WORDS, 0xFFFFFFFFu);
  lexf_put32(b + LEXF_HDR_N_PRONS, 0xFFFFFFFFu);
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EOFFSET);
  memcpy(b, good, good_len);
  lexf_put32(b + LEXF_HDR_MAX_VARIANTS, 0);
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EHEADER);
  memcpy(b, good, good_len);
  lexf_put32(b + LEXF_HDR_FLAGS, 1);
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EHEADER);

  /* bad section offsets */
  memcpy(b, good, good_len);
  lexf_put32(b + LEXF_HDR_WORDS_OFF, 0);
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EOFFSET);
  memcpy(b, good, good_len);
  lexf_put32(b + LEXF_HDR_PRONS_OFF, lexf_get32(b + LEXF_HDR_PRONS_OFF) - 4);
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EOFFSET);
  memcpy(b, good, good_len);
  lexf_put32(b + LEXF_HDR_STRINGS_BYTES, lexf_get32(b + LEXF_HDR_STRINGS_BYTES) + 1);
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EOFFSET);

  uint32_t wo = lexf_get32(good + LEXF_HDR_WORDS_OFF);
  uint32_t po = lexf_get32(good + LEXF_HDR_PRONS_OFF);
  /* entry offsets out of their section */
  memcpy(b, good, good_len);
  lexf_put32(b + wo, (uint32_t)good_len - 1); /* key runs off the end */
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EOFFSET);
  memcpy(b, good, good_len);
  lexf_put32(b + wo, 0); /* key inside the header */
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EOFFSET);
  memcpy(b, good, good_len);
  lexf_put32(b + po, 0xFFFFFFF0u);
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EOFFSET);
  /* bad counts in entries */
  memcpy(b, good, good_len);
  lexf_put16(b + wo + 6, 0); /* no variants */
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EENTRY);
  memcpy(b, good, good_len);
  lexf_put32(b + wo + LEXF_WORD_BYTES + 8, 0); /* second word reuses prons */
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EENTRY);
  memcpy(b, good, good_len);
  lexf_put16(b + po + 6, 0); /* zero phonemes */
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EENTRY);
  /* keys out of order: swap the first two word entries' keys */
  memcpy(b, good, good_len);
  unsigned char t[6];
  memcpy(t, b + wo, 6);
  memcpy(b + wo, b + wo + LEXF_WORD_BYTES, 6);
  memcpy(b + wo + LEXF_WORD_BYTES, t, 6);
  fix_crcs(b, good_len);
  EXPECT(b, good_len, LEX_EORDER);

  /* random damage with repaired checksums: never a crash or an over-read */
  srand(12345);
  unsigned accepted = 0, refused = 0;
  for (int round = 0; round < 3000; round++) {
    memcpy(b, good, good_len);
    int flips = 1 + rand() % 4;
    for (int k = 0; k < flips; k++) {
      size_t at = (size_t)rand() % good_len;
      if (rand() % 2)
        b[at] = (unsigned char)rand();
      else
        b[at] ^= (unsigned char)(1u << (rand() % 8));
    }
    fix_crcs(b, good_len);
    char err[512];
    if (open_bytes(b, good_len, err, sizeof err) == LEX_OK)
      accepted++;
    else
      refused++;
  }
  ck_assert_uint_gt(refused, 0);
  free(b);
  free(good);
  good = NULL;

  /* not a file, and a directory */
  lexicon *lx;
  char err[512];
  ck_assert_int_eq(lexicon_open(&lx, "/nonexistent/x.lex", err, sizeof err), LEX_EIO);
  ck_assert_int_eq(lexicon_open(&lx, tmpdir, err, sizeof err), LEX_EIO);
  ck_assert_str_ne(lexicon_strerror(LEX_EORDER), lexicon_strerror(LEX_EOFFSET));
}
END_TEST

/* A lexicon someone rewrites in place (cp over it, an editor, a full disk
 * cutting a copy short) must not change or crash the one already open:
 * the reader keeps its own copy. A mapping would fault with SIGBUS here on
 * the first page past the new end. */
START_TEST(rewritten_in_place) {
  char path[512], cmd[9000], err[512], buf[300];
  snprintf(path, sizeof path, "%s/inplace.lex", tmpdir);
  snprintf(cmd, sizeof cmd, "cp '%s' '%s'", lex_path, path);
  ck_assert_int_eq(system(cmd), 0);
  lexicon *lx;
  ck_assert_msg(lexicon_open(&lx, path, err, sizeof err) == LEX_OK, "%s", err);
  uint32_t words = lexicon_words(lx);
  ck_assert_int_eq(truncate(path, 0), 0);
  write_file(path, "not a lexicon any more", 22);
  ck_assert_int_eq(lookup_str(lx, "aardvark", 0, buf, sizeof buf), 1);
  ck_assert_str_eq(buf, "AA1 R D V AA2 R K");
  ck_assert_int_eq(lookup_str(lx, "zywicki", 0, buf, sizeof buf), 1);
  ck_assert_str_eq(buf, "Z IH0 W IH1 K IY0");
  ck_assert_uint_eq(lexicon_words(lx), words);
  lexicon_close(lx);
  /* and the rewritten file is refused when opened again */
  ck_assert_int_eq(lexicon_open(&lx, path, err, sizeof err), LEX_ETRUNCATED);
  ck_assert(lx == NULL);
  unlink(path);
}
END_TEST

int main(void) {
  const char *b = getenv("top_builddir"), *s = getenv("top_srcdir");
  if (!b) b = ".";
  if (!s) s = ".";
  snprintf(lex_path, sizeof lex_path, "%s/data/cmudict.lex", b);
  snprintf(src_path, sizeof src_path, "%s/data/cmu-pronouncing-dictionary/index.js", s);
  snprintf(compiler, sizeof compiler, "%s/tools/lexicon-compile", b);
  /* mkdtemp's template: six 'X' after the prefix */
  snprintf(tmpdir, sizeof tmpdir, "/tmp/lexicon-test.%.6s", "");
  memset(tmpdir + strlen(tmpdir), 'X', 6);
  tmpdir[strlen("/tmp/lexicon-test.") + 6] = '\0';
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  Suite *su = suite_create("lexicon");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, crc32_vectors);
  tcase_add_test(tc, known_words);
  tcase_add_test(tc, every_source_entry);
  tcase_add_test(tc, compiler_rules);
  tcase_add_test(tc, hostile_files);
  tcase_add_test(tc, rewritten_in_place);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_set_fork_status(sr, CK_NOFORK);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
  return failed ? 1 : 0;
}
