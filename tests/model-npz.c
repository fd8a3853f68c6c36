/* model-npz -- the converter's .npz reader on good, odd and hostile input.
 *
 * The test writes its own zip archives (so it needs no Python and no
 * shared data): a valid g2p_en-shaped export with tiny dimensions must
 * convert into a model that loads; compressed members, CRC errors,
 * Fortran-order or float64 arrays, short data, missing or misshapen
 * tensors must each be refused with their own message; every truncation
 * and thousands of random corruptions must be refused or parsed without
 * a crash (run under ASan/UBSan by the sanitizer build). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "g2p/decode.h"
#include "g2p/engine.h"
#include "g2p/model.h"
#include "g2p/model_convert.h"
#include "g2p/model_npz.h"

/* ---- a tiny zip writer ------------------------------------------------- */

typedef struct zbuf {
  uint8_t *p;
  size_t n, cap;
  /* central directory entries, built alongside */
  uint8_t *cd;
  size_t cdn, cdcap;
  int count;
} zbuf;

static void put(uint8_t **p, size_t *n, size_t *cap, const void *d,
                size_t len) {
  if (*n + len > *cap) {
    *cap = (*n + len) * 2 + 256;
    *p = realloc(*p, *cap);
  }
  memcpy(*p + *n, d, len);
  *n += len;
}
static void put16(uint8_t **p, size_t *n, size_t *cap, uint32_t v) {
  uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
  put(p, n, cap, b, 2);
}
static void put32(uint8_t **p, size_t *n, size_t *cap, uint32_t v) {
  uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                  (uint8_t)(v >> 24)};
  put(p, n, cap, b, 4);
}

static uint32_t crc32_ieee(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  while (n--) {
    c ^= *p++;
    for (int k = 0; k < 8; k++)
      c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
  }
  return ~c;
}

/* Adds one member; method is written as given (data stays stored). */
static void zip_add(zbuf *z, const char *name, const uint8_t *data,
                    size_t len, unsigned method, int bad_crc) {
  uint32_t crc = crc32_ieee(data, len) ^ (bad_crc ? 1u : 0u);
  size_t nl = strlen(name), off = z->n;
  put32(&z->p, &z->n, &z->cap, 0x04034b50u);
  put16(&z->p, &z->n, &z->cap, 20);
  put16(&z->p, &z->n, &z->cap, 0);
  put16(&z->p, &z->n, &z->cap, method);
  put32(&z->p, &z->n, &z->cap, 0);
  put32(&z->p, &z->n, &z->cap, crc);
  put32(&z->p, &z->n, &z->cap, (uint32_t)len);
  put32(&z->p, &z->n, &z->cap, (uint32_t)len);
  put16(&z->p, &z->n, &z->cap, (uint32_t)nl);
  put16(&z->p, &z->n, &z->cap, 0);
  put(&z->p, &z->n, &z->cap, name, nl);
  put(&z->p, &z->n, &z->cap, data, len);

  put32(&z->cd, &z->cdn, &z->cdcap, 0x02014b50u);
  put16(&z->cd, &z->cdn, &z->cdcap, 20);
  put16(&z->cd, &z->cdn, &z->cdcap, 20);
  put16(&z->cd, &z->cdn, &z->cdcap, 0);
  put16(&z->cd, &z->cdn, &z->cdcap, method);
  put32(&z->cd, &z->cdn, &z->cdcap, 0);
  put32(&z->cd, &z->cdn, &z->cdcap, crc);
  put32(&z->cd, &z->cdn, &z->cdcap, (uint32_t)len);
  put32(&z->cd, &z->cdn, &z->cdcap, (uint32_t)len);
  put16(&z->cd, &z->cdn, &z->cdcap, (uint32_t)nl);
  put16(&z->cd, &z->cdn, &z->cdcap, 0);
  put16(&z->cd, &z->cdn, &z->cdcap, 0);
  put16(&z->cd, &z->cdn, &z->cdcap, 0);
  put16(&z->cd, &z->cdn, &z->cdcap, 0);
  put32(&z->cd, &z->cdn, &z->cdcap, 0);
  put32(&z->cd, &z->cdn, &z->cdcap, (uint32_t)off);
  put(&z->cd, &z->cdn, &z->cdcap, name, nl);
  z->count++;
}

static void zip_finish(zbuf *z) {
  size_t cdoff = z->n;
  put(&z->p, &z->n, &z->cap, z->cd, z->cdn);
  put32(&z->p, &z->n, &z->cap, 0x06054b50u);
  put16(&z->p, &z->n, &z->cap, 0);
  put16(&z->p, &z->n, &z->cap, 0);
  put16(&z->p, &z->n, &z->cap, (uint32_t)z->count);
  put16(&z->p, &z->n, &z->cap, (uint32_t)z->count);
  put32(&z->p, &z->n, &z->cap, (uint32_t)z->cdn);
  put32(&z->p, &z->n, &z->cap, (uint32_t)cdoff);
  put16(&z->p, &z->n, &z->cap, 0);
  free(z->cd);
  z->cd = NULL;
}

/* An .npy file: descr, fortran flag, shape text "(a, b)", raw data. */
static uint8_t *npy(const char *descr, int fortran, const char *shape,
                    const void *data, size_t len, size_t *out_len) {
  char hdr[256];
  int h = snprintf(hdr, sizeof hdr,
                   "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }",
                   descr, fortran ? "True" : "False", shape);
  size_t total = 10 + (size_t)h + 1;
  size_t pad = (64 - total % 64) % 64;
  size_t hl = (size_t)h + pad + 1;
  uint8_t *b = malloc(10 + hl + len);
  memcpy(b, "\x93NUMPY\x01\x00", 8);
  b[8] = (uint8_t)hl;
  b[9] = (uint8_t)(hl >> 8);
  memcpy(b + 10, hdr, (size_t)h);
  memset(b + 10 + h, ' ', pad);
  b[10 + hl - 1] = '\n';
  memcpy(b + 10 + hl, data, len);
  *out_len = 10 + hl + len;
  return b;
}

/* ---- a tiny g2p_en-shaped export -------------------------------------- */

enum { G = 29, P = 74, E = 4, H = 8 };

typedef struct variant {
  const char *skip;      /* member to leave out */
  const char *reshape;   /* member written with shape (3,) */
  const char *f64;       /* member written as '<f8' */
  const char *fortran;   /* member marked Fortran-order */
  const char *deflate;   /* member marked compressed */
  const char *badcrc;    /* member with a wrong CRC */
  const char *short_data;/* member missing its last float */
} variant;

static uint8_t *export_npz(const variant *v, size_t *len) {
  static const struct {
    const char *name;
    int rows, cols;
  } t[] = {{"enc_emb", G, E},     {"enc_w_ih", 3 * H, E},
           {"enc_w_hh", 3 * H, H}, {"enc_b_ih", 3 * H, 0},
           {"enc_b_hh", 3 * H, 0}, {"dec_emb", P, E},
           {"dec_w_ih", 3 * H, E}, {"dec_w_hh", 3 * H, H},
           {"dec_b_ih", 3 * H, 0}, {"dec_b_hh", 3 * H, 0},
           {"fc_w", P, H},         {"fc_b", P, 0}};
  zbuf z;
  memset(&z, 0, sizeof z);
  uint32_t seed = 99;
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    const char *nm = t[i].name;
    if (v->skip && strcmp(v->skip, nm) == 0)
      continue;
    size_t cnt = (size_t)t[i].rows * (t[i].cols ? t[i].cols : 1);
    float *d = malloc(cnt * sizeof(float));
    for (size_t j = 0; j < cnt; j++) {
      seed = seed * 1664525u + 1013904223u;
      d[j] = (float)(seed >> 8) / 16777216.0f - 0.5f;
    }
    char shape[64];
    if (v->reshape && strcmp(v->reshape, nm) == 0)
      snprintf(shape, sizeof shape, "(3,)");
    else if (t[i].cols)
      snprintf(shape, sizeof shape, "(%d, %d)", t[i].rows, t[i].cols);
    else
      snprintf(shape, sizeof shape, "(%d,)", t[i].rows);
    size_t bytes = cnt * sizeof(float);
    if (v->reshape && strcmp(v->reshape, nm) == 0)
      bytes = 12;
    if (v->short_data && strcmp(v->short_data, nm) == 0)
      bytes -= 4;
    int f64 = v->f64 && strcmp(v->f64, nm) == 0;
    size_t nl;
    uint8_t *n = npy(f64 ? "<f8" : "<f4",
                     v->fortran && strcmp(v->fortran, nm) == 0, shape, d,
                     bytes, &nl);
    char member[64];
    snprintf(member, sizeof member, "%s.npy", nm);
    zip_add(&z, member, n, nl, v->deflate && strcmp(v->deflate, nm) == 0 ? 8 : 0,
            v->badcrc && strcmp(v->badcrc, nm) == 0);
    free(n);
    free(d);
  }
  zip_finish(&z);
  *len = z.n;
  return z.p;
}

static char tmpdir[] = "/tmp/model-npz-XXXXXX";
static volatile unsigned sink;

static int convert(const uint8_t *npz, size_t len, char *err, size_t errlen,
                   g2p_model **model) {
  char path[128];
  snprintf(path, sizeof path, "%s/x.npz", tmpdir);
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(npz, 1, len, f), len);
  fclose(f);
  uint8_t *img;
  size_t il;
  g2pm_convert_opts o = {"tiny", 0};
  int rc = g2pm_npz_to_image(&img, &il, path, &o, err, errlen);
  if (rc == 0 && model) {
    char e2[256];
    rc = g2p_model_open_mem(model, img, il, "scalar", e2, sizeof e2);
    ck_assert_msg(rc == 0, "%s", e2);
  }
  if (rc == 0)
    free(img);
  return rc;
}

static void refused(const variant *v, const char *want) {
  size_t len;
  uint8_t *npz = export_npz(v, &len);
  char err[512] = "";
  int rc = convert(npz, len, err, sizeof err, NULL);
  free(npz);
  ck_assert_msg(rc != 0, "accepted, expected '%s'", want);
  ck_assert_msg(strstr(err, want), "message '%s' lacks '%s'", err, want);
}

START_TEST(valid_export_converts) {
  variant v = {0};
  size_t len;
  uint8_t *npz = export_npz(&v, &len);
  char err[512];
  g2p_model *m = NULL;
  int rc = convert(npz, len, err, sizeof err, &m);
  free(npz);
  ck_assert_msg(rc == 0, "%s", err);
  ck_assert_str_eq(g2p_model_name(m), "tiny");
  ck_assert_str_eq(g2p_model_arch(m), "g2p_en-gru");
  ck_assert_int_eq(g2p_model_max_len(m), 20);
  size_t sb = g2p_model_scratch_bytes(m);
  void *s = aligned_alloc(64, (sb + 63) / 64 * 64);
  char out[G2P_TEXT_MAX];
  ck_assert_int_ge(g2p_model_predict(m, s, "tiny", 4, 1, out, sizeof out), 0);
  free(s);
  g2p_model_close(m);
}
END_TEST

START_TEST(bad_members) {
  refused(&(variant){.skip = "fc_b"}, "the npz has no array 'fc_b'");
  refused(&(variant){.skip = "enc_w_ih"},
          "neither an 'arch' array nor g2p_en's 'enc_w_ih'");
  refused(&(variant){.reshape = "dec_b_hh"},
          "array 'dec_b_hh' has shape (3), g2p_en-gru needs (24)");
  refused(&(variant){.f64 = "fc_w"}, "member fc_w.npy: dtype '<f8' is not "
          "supported");
  refused(&(variant){.fortran = "enc_emb"},
          "member enc_emb.npy: Fortran-order arrays are not supported");
  refused(&(variant){.deflate = "dec_emb"},
          "member dec_emb.npy is compressed (zip method 8); write the file "
          "with numpy.savez, not savez_compressed");
  refused(&(variant){.badcrc = "enc_b_ih"},
          "member enc_b_ih: CRC-32 mismatch");
  refused(&(variant){.short_data = "fc_w"},
          "member fc_w.npy: holds 2364 data bytes, its shape needs 2368");
}
END_TEST

START_TEST(not_a_zip) {
  npz_file z;
  char err[256];
  const uint8_t junk[100] = {0};
  ck_assert_int_ne(npz_parse(&z, junk, sizeof junk, err, sizeof err), 0);
  ck_assert_msg(strstr(err, "no end-of-central-directory record"), "%s", err);
  ck_assert_int_ne(npz_parse(&z, junk, 10, err, sizeof err), 0);
  ck_assert_msg(strstr(err, "not a zip archive"), "%s", err);
  char path[128];
  snprintf(path, sizeof path, "%s/none.npz", tmpdir);
  uint8_t *img;
  size_t il;
  ck_assert_int_ne(g2pm_npz_to_image(&img, &il, path, NULL, err, sizeof err),
                   0);
  ck_assert_msg(strstr(err, "No such file"), "%s", err);
}
END_TEST

/* Every truncation and random corruption: refused with a message, or
 * (when the damage missed everything that matters) parsed; never a crash
 * or an out-of-bounds read (ASan build). */
START_TEST(hostile_archives) {
  variant v = {0};
  size_t len;
  uint8_t *npz = export_npz(&v, &len);
  char err[512];
  int parsed = 0;
  for (size_t l = 0; l < len; l += (l < 2048 || len - l < 2048) ? 1 : 97) {
    uint8_t *c = malloc(l ? l : 1);
    memcpy(c, npz, l);
    npz_file z;
    err[0] = '\0';
    if (npz_parse(&z, c, l, err, sizeof err) == 0)
      parsed++;
    else
      ck_assert_msg(err[0], "truncation to %zu: no message", l);
    free(c);
  }
  ck_assert_int_eq(parsed, 0); /* the EOCD is last: any cut loses it */
  uint32_t seed = 7;
  for (int it = 0; it < 5000; it++) {
    uint8_t *c = malloc(len);
    memcpy(c, npz, len);
    for (int e = 0; e < 1 + it % 3; e++) {
      seed = seed * 1664525u + 1013904223u;
      /* aim at the central directory, the local headers and npy headers */
      size_t at = (seed & 1) ? len - 1 - (seed >> 8) % 700
                             : (seed >> 8) % len;
      seed = seed * 1664525u + 1013904223u;
      c[at] = (uint8_t)(seed >> 24);
    }
    npz_file z;
    err[0] = '\0';
    if (npz_parse(&z, c, len, err, sizeof err) == 0) {
      unsigned sum = 0; /* read every array's bytes: ASan checks them */
      for (int i = 0; i < z.n; i++) {
        size_t item = z.a[i].dtype == NPZ_I64 ? 8
                      : z.a[i].dtype == NPZ_U8 ? 1 : 4;
        for (uint64_t j = 0; j < z.a[i].count * item; j++)
          sum += z.a[i].data[j];
      }
      sink += sum;
    } else {
      ck_assert_msg(err[0], "corruption: no message");
    }
    free(c);
  }
  free(npz);
}
END_TEST

int main(void) {
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  Suite *s = suite_create("model-npz");
  TCase *tc = tcase_create("npz");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, valid_export_converts);
  tcase_add_test(tc, bad_members);
  tcase_add_test(tc, not_a_zip);
  tcase_add_test(tc, hostile_archives);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0)
    fprintf(stderr, "model-npz: could not remove %s\n", tmpdir);
  return failed ? 1 : 0;
}
