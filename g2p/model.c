/* model.c -- loads a model file (.g2pm) and gets it ready for decoding.
 *
 * A model file may come from anywhere, so the loader trusts nothing in it:
 * every size, offset, dimension and string is checked against the file's
 * real length and against the architecture before anything is read through
 * it, and each failure names the problem. Only then are the weights turned
 * into what the decoders want: the input projections of every symbol are
 * tabulated (W_ih emb + b_ih, one row per symbol), and the matrices used per
 * step are packed by the chosen kernel table. All of it lands in one 64-byte
 * aligned block; the file's image is freed before returning, and the model
 * is immutable from then on. Nothing here logs: errors are returned. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/utf8.h"
#include "common/errbuf.h"
#include "g2p/model.h"
#include "g2p/g2p_limits.h"
#include "g2p/model_impl.h"
#include "common/filebuf.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "model files are little-endian and the loader packs floats in place"
#endif



#define BAD(...) err_set(err, errlen, G2P_EFORMAT, __VA_ARGS__)

/* What validation learnt about the file, for the build step. */
typedef struct parsed {
  g2pm_header h;
  g2pm_tensor_spec spec[G2PM_MAX_TENSORS];
  const void *tensor[G2PM_MAX_TENSORS]; /* in spec order, into the image:
                                          f32 or (int8 files) i8 */
  int n;
  const uint8_t *graphemes, *phonemes, *name;
} parsed;

/* ---- validation -------------------------------------------------------- */

typedef struct region {
  const char *what;
  uint64_t off, len;
} region;

/* Is [off, off+len) inside a file of size bytes? (overflow-safe) */
static int inside(uint64_t off, uint64_t len, uint64_t size) {
  return off <= size && len <= size - off;
}

static int check_dim(const char *name, uint32_t v, uint32_t lo, uint32_t hi,
                     char *err, size_t errlen) {
  if (v < lo || v > hi)
    return BAD("dimension %s=%u out of range (%u..%u)", name, v, lo, hi);
  return 0;
}

/* Splits a '\n'-joined symbol table; stores up to max (offset, length)
 * pairs and returns the symbol count. */
static uint32_t split_symbols(const uint8_t *s, uint32_t n, uint32_t *off,
                              uint32_t *len, uint32_t max) {
  uint32_t count = 0, start = 0;
  for (uint32_t i = 0; i <= n; i++) {
    if (i == n || s[i] == '\n') {
      if (count < max) {
        off[count] = start;
        len[count] = i - start;
      }
      count++;
      start = i + 1;
    }
  }
  return count;
}

static int sym_is(const uint8_t *s, uint32_t len, const char *want) {
  return len == strlen(want) && memcmp(s, want, len) == 0;
}

static int cmp_cp(const void *a, const void *b) {
  uint32_t x = ((const g2pm_cp *)a)->cp, y = ((const g2pm_cp *)b)->cp;
  return x < y ? -1 : x > y;
}

/* Symbol tables are validated and decoded in the same pass; the scratch
 * arrays are sized by the (already range-checked) header counts. */
typedef struct symtabs {
  uint32_t *goff, *glen, *poff, *plen;
  g2pm_cp *cps; /* non-ASCII graphemes */
  int n_cps;
  uint32_t ascii_id[128];
} symtabs;

static void symtabs_free(symtabs *t) {
  free(t->goff);
  free(t->glen);
  free(t->poff);
  free(t->plen);
  free(t->cps);
  memset(t, 0, sizeof *t);
}

typedef struct phon_key {
  const uint8_t *s;
  uint32_t len, id;
} phon_key;

static int cmp_phon(const void *a, const void *b) {
  const phon_key *x = a, *y = b;
  uint32_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->s, y->s, n);
  if (c)
    return c;
  return x->len < y->len ? -1 : x->len > y->len;
}

static int check_symbols(const parsed *pf, symtabs *t, char *err,
                         size_t errlen) {
  const g2pm_header *h = &pf->h;
  uint32_t G = h->G, P = h->P;
  t->goff = calloc(G, sizeof *t->goff);
  t->glen = calloc(G, sizeof *t->glen);
  t->poff = calloc(P, sizeof *t->poff);
  t->plen = calloc(P, sizeof *t->plen);
  t->cps = calloc(G, sizeof *t->cps);
  if (!t->goff || !t->glen || !t->poff || !t->plen || !t->cps)
    return err_set(err, errlen, G2P_ENOMEM, "out of memory reading symbols");

  uint32_t ng = split_symbols(pf->graphemes, h->graphemes_bytes, t->goff,
                              t->glen, G);
  if (ng != G)
    return BAD("grapheme table holds %u symbols, header says G=%u", ng, G);
  static const char *const gspec[G2PM_G_SPECIALS] = {"<pad>", "<unk>",
                                                     "</s>"};
  for (uint32_t i = 0; i < G2PM_G_SPECIALS; i++)
    if (!sym_is(pf->graphemes + t->goff[i], t->glen[i], gspec[i]))
      return BAD("grapheme table must start with <pad> <unk> </s> "
                 "(symbol %u is wrong)", i);
  for (int c = 0; c < 128; c++)
    t->ascii_id[c] = G2PM_G_UNK;
  for (uint32_t i = G2PM_G_SPECIALS; i < G; i++) {
    const uint8_t *s = pf->graphemes + t->goff[i];
    uint32_t cp;
    int n = utf8_decode(s, t->glen[i], &cp);
    if (t->glen[i] == 0)
      return BAD("grapheme %u is empty", i);
    if (n == 0 || (uint32_t)n != t->glen[i])
      return BAD("grapheme %u is not exactly one UTF-8 character", i);
    if (cp < 0x20 || cp == 0x7f)
      return BAD("grapheme %u is a control character (U+%04X)", i, cp);
    if (cp < 128) {
      if (t->ascii_id[cp] != G2PM_G_UNK)
        return BAD("grapheme %u duplicates grapheme %u", i, t->ascii_id[cp]);
      t->ascii_id[cp] = i;
    } else {
      t->cps[t->n_cps].cp = cp;
      t->cps[t->n_cps].id = i;
      t->n_cps++;
    }
  }
  qsort(t->cps, (size_t)t->n_cps, sizeof *t->cps, cmp_cp);
  for (int i = 1; i < t->n_cps; i++)
    if (t->cps[i].cp == t->cps[i - 1].cp)
      return BAD("grapheme %u duplicates grapheme %u", t->cps[i].id,
                 t->cps[i - 1].id);

  uint32_t np = split_symbols(pf->phonemes, h->phonemes_bytes, t->poff,
                              t->plen, P);
  if (np != P)
    return BAD("phoneme table holds %u symbols, header says P=%u", np, P);
  static const char *const pspec[G2PM_P_SPECIALS] = {"<pad>", "<unk>", "<s>",
                                                     "</s>"};
  for (uint32_t i = 0; i < G2PM_P_SPECIALS; i++)
    if (!sym_is(pf->phonemes + t->poff[i], t->plen[i], pspec[i]))
      return BAD("phoneme table must start with <pad> <unk> <s> </s> "
                 "(symbol %u is wrong)", i);
  for (uint32_t i = 0; i < P; i++) {
    const uint8_t *s = pf->phonemes + t->poff[i];
    if (t->plen[i] == 0 || t->plen[i] > G2PM_MAX_PHONEME_BYTES)
      return BAD("phoneme %u is %u bytes long (1..%d allowed)", i, t->plen[i],
                 G2PM_MAX_PHONEME_BYTES);
    for (uint32_t j = 0; j < t->plen[i]; j++)
      if (s[j] <= 0x20 || s[j] >= 0x7f)
        return BAD("phoneme %u holds a byte that is not printable ASCII "
                   "(0x%02x)", i, s[j]);
  }
  phon_key *keys = calloc(P, sizeof *keys);
  if (!keys)
    return err_set(err, errlen, G2P_ENOMEM, "out of memory reading symbols");
  for (uint32_t i = 0; i < P; i++)
    keys[i] = (phon_key){pf->phonemes + t->poff[i], t->plen[i], i};
  qsort(keys, P, sizeof *keys, cmp_phon);
  for (uint32_t i = 1; i < P; i++)
    if (cmp_phon(&keys[i], &keys[i - 1]) == 0) {
      uint32_t a = keys[i].id, b = keys[i - 1].id;
      free(keys);
      return BAD("phoneme %u duplicates phoneme %u", a > b ? a : b,
                 a > b ? b : a);
    }
  free(keys);
  return 0;
}

static int check_name(const uint8_t *s, uint32_t n, char *err,
                      size_t errlen) {
  if (n == 0 || n > G2PM_MAX_NAME_BYTES)
    return BAD("model name is %u bytes long (1..%d allowed)", n,
               G2PM_MAX_NAME_BYTES);
  for (uint32_t i = 0; i < n;) {
    uint32_t cp;
    int k = utf8_decode(s + i, n - i, &cp);
    if (k == 0)
      return BAD("model name is not valid UTF-8");
    if (cp < 0x20 || cp == 0x7f)
      return BAD("model name holds a control character");
    i += (uint32_t)k;
  }
  return 0;
}

static int validate(parsed *pf, const uint8_t *img, size_t size, char *err,
                    size_t errlen) {
  if (size == 0)
    return BAD("file is empty (0 bytes)");
  if (size < G2PM_HEADER_BYTES)
    return BAD("file too short for a header (%zu of %d bytes)", size,
               G2PM_HEADER_BYTES);
  if (memcmp(img, G2PM_MAGIC, G2PM_MAGIC_BYTES) != 0)
    return BAD("bad magic: not an rnninferd model file");
  g2pm_header *h = &pf->h;
  g2pm_header_decode(h, img);
  if (h->version < G2PM_VERSION_MIN || h->version > G2PM_VERSION)
    return BAD("unsupported format version %u (this build reads versions %d "
               "to %d)", h->version, G2PM_VERSION_MIN, G2PM_VERSION);
  if (h->header_bytes != G2PM_HEADER_BYTES)
    return BAD("header size %u, expected %d", h->header_bytes,
               G2PM_HEADER_BYTES);
  uint32_t hcrc = g2pm_crc32c(0, img, G2PM_OFF_HEADER_CRC);
  if (hcrc != h->header_crc)
    return BAD("header checksum mismatch (stored %08x, computed %08x)",
               h->header_crc, hcrc);
  if (h->file_bytes > size)
    return BAD("file truncated: header says %llu bytes, file has %zu",
               (unsigned long long)h->file_bytes, size);
  if (h->file_bytes < size)
    return BAD("trailing bytes: header says %llu bytes, file has %zu",
               (unsigned long long)h->file_bytes, size);
  uint32_t dcrc = g2pm_crc32c(0, img + G2PM_HEADER_BYTES,
                              size - G2PM_HEADER_BYTES);
  if (dcrc != h->data_crc)
    return BAD("data checksum mismatch (stored %08x, computed %08x): the "
               "file is damaged", h->data_crc, dcrc);
  if (h->version == 1 && h->flags != 0)
    return BAD("unknown header flags 0x%x (version 1 files have none)",
               h->flags);
  if (h->flags & ~G2PM_KNOWN_FLAGS)
    return BAD("unknown header flags 0x%x", h->flags & ~G2PM_KNOWN_FLAGS);
  if ((h->flags & G2PM_FLAG_INT4) && h->version < 3)
    return BAD("header flag INT4 needs format version 3 (file has %u)",
               h->version);
  if ((h->flags & G2PM_FLAG_INT4) && !(h->flags & G2PM_FLAG_INT8))
    return BAD("header flag INT4 without INT8 (4-bit recurrent matrices "
               "come with int8 weights)");
  if (h->reserved0 || h->reserved1a || h->reserved1b)
    return BAD("reserved header fields are not zero");
  const char *arch = g2pm_arch_name(h->arch);
  if (!arch)
    return BAD("unknown architecture id %u", h->arch);

  int rc;
  if ((rc = check_dim("G", h->G, G2PM_G_SPECIALS + 1, G2PM_MAX_SYMBOLS, err,
                      errlen)) ||
      (rc = check_dim("P", h->P, G2PM_P_SPECIALS + 1, G2PM_MAX_SYMBOLS, err,
                      errlen)) ||
      (rc = check_dim("E", h->E, 1, G2PM_MAX_DIM, err, errlen)) ||
      (rc = check_dim("H", h->H, 1, G2PM_MAX_DIM, err, errlen)) ||
      (rc = check_dim("Ed", h->Ed, 1, G2PM_MAX_DIM, err, errlen)) ||
      (rc = check_dim("D", h->D, 1, G2PM_MAX_DIM, err, errlen)) ||
      (rc = check_dim("max_len", h->max_len, 1, G2PM_MAX_LEN_LIMIT, err,
                      errlen)))
    return rc;
  if (h->arch == G2PM_ARCH_GRU && h->D != h->H)
    return BAD("architecture %s needs D == H (the decoder starts from the "
               "encoder state), file has D=%u H=%u", arch, h->D, h->H);

  pf->n = g2pm_arch_tensors(h, pf->spec);
  if (h->n_tensors != (uint32_t)pf->n)
    return BAD("tensor count %u, architecture %s has %d", h->n_tensors, arch,
               pf->n);

  region reg[G2PM_MAX_TENSORS + 5];
  int nreg = 0;
  reg[nreg++] = (region){"header", 0, G2PM_HEADER_BYTES};
  uint64_t dir_len = (uint64_t)h->n_tensors * G2PM_DIRENT_BYTES;
  if (!inside(h->dir_offset, dir_len, size))
    return BAD("tensor directory (offset %llu, %llu bytes) lies outside the "
               "file (%zu bytes)", (unsigned long long)h->dir_offset,
               (unsigned long long)dir_len, size);
  reg[nreg++] = (region){"tensor directory", h->dir_offset, dir_len};
  if (!inside(h->graphemes_offset, h->graphemes_bytes, size))
    return BAD("grapheme table (offset %llu, %u bytes) lies outside the file",
               (unsigned long long)h->graphemes_offset, h->graphemes_bytes);
  reg[nreg++] = (region){"grapheme table", h->graphemes_offset,
                         h->graphemes_bytes};
  if (!inside(h->phonemes_offset, h->phonemes_bytes, size))
    return BAD("phoneme table (offset %llu, %u bytes) lies outside the file",
               (unsigned long long)h->phonemes_offset, h->phonemes_bytes);
  reg[nreg++] = (region){"phoneme table", h->phonemes_offset,
                         h->phonemes_bytes};
  if (!inside(h->name_offset, h->name_bytes, size))
    return BAD("model name (offset %llu, %u bytes) lies outside the file",
               (unsigned long long)h->name_offset, h->name_bytes);
  reg[nreg++] = (region){"model name", h->name_offset, h->name_bytes};
  pf->graphemes = img + h->graphemes_offset;
  pf->phonemes = img + h->phonemes_offset;
  pf->name = img + h->name_offset;

  for (int i = 0; i < pf->n; i++)
    pf->tensor[i] = NULL;
  for (uint32_t e = 0; e < h->n_tensors; e++) {
    const uint8_t *d = img + h->dir_offset + (uint64_t)e * G2PM_DIRENT_BYTES;
    const uint8_t *nul = memchr(d, 0, G2PM_TENSOR_NAME_BYTES);
    if (!nul || nul == d)
      return BAD("tensor %u: name is empty or not NUL-terminated", e);
    for (const uint8_t *q = nul; q < d + G2PM_TENSOR_NAME_BYTES; q++)
      if (*q)
        return BAD("tensor %u: bytes after the name are not zero", e);
    const char *tname = (const char *)d;
    int s = -1;
    for (int i = 0; i < pf->n; i++)
      if (strcmp(tname, pf->spec[i].name) == 0)
        s = i;
    if (s < 0)
      return BAD("tensor %u: '%.31s' is not a tensor of architecture %s", e,
                 tname, arch);
    const g2pm_tensor_spec *sp = &pf->spec[s];
    if (pf->tensor[s])
      return BAD("tensor '%s' appears twice", sp->name);
    uint32_t dtype = g2pm_rd32(d + 32), ndim = g2pm_rd32(d + 36);
    uint32_t rows = g2pm_rd32(d + 40), cols = g2pm_rd32(d + 44);
    uint64_t off = g2pm_rd64(d + 48), nbytes = g2pm_rd64(d + 56);
    if (dtype != sp->dtype)
      return BAD("tensor '%s': dtype %u, expected %u (%s)", sp->name, dtype,
                 sp->dtype,
                 sp->dtype == G2PM_DTYPE_I8   ? "i8"
                 : sp->dtype == G2PM_DTYPE_I4 ? "i4"
                                              : "f32");
    uint32_t want_ndim = sp->cols ? 2 : 1;
    if (ndim != want_ndim || rows != sp->rows || cols != sp->cols)
      return BAD("tensor '%s': shape %u-D (%u, %u), architecture %s needs "
                 "%u-D (%u, %u)", sp->name, ndim, rows, cols, arch, want_ndim,
                 sp->rows, sp->cols);
    uint64_t need = (uint64_t)sp->rows * (sp->cols ? sp->cols : 1) *
                    (sp->dtype == G2PM_DTYPE_F32 ? 4 : 1);
    if (nbytes != need)
      return BAD("tensor '%s': %llu bytes, its shape needs %llu", sp->name,
                 (unsigned long long)nbytes, (unsigned long long)need);
    if (off % G2PM_ALIGN)
      return BAD("tensor '%s': offset %llu is not %d-byte aligned", sp->name,
                 (unsigned long long)off, G2PM_ALIGN);
    if (!inside(off, nbytes, size))
      return BAD("tensor '%s': data (offset %llu, %llu bytes) runs past the "
                 "end of the file (%zu bytes)", sp->name,
                 (unsigned long long)off, (unsigned long long)nbytes, size);
    pf->tensor[s] = img + off;
    reg[nreg++] = (region){sp->name, off, nbytes};
  }
  for (int i = 0; i < pf->n; i++)
    if (!pf->tensor[i])
      return BAD("tensor '%s' is missing", pf->spec[i].name);

  for (int a = 0; a < nreg; a++)
    for (int b = a + 1; b < nreg; b++) {
      const region *x = &reg[a], *y = &reg[b];
      if (x->len && y->len && x->off < y->off + y->len &&
          y->off < x->off + x->len)
        return BAD("%s and %s overlap in the file", x->what, y->what);
    }

  for (int i = 0; i < pf->n; i++) {
    const g2pm_tensor_spec *sp = &pf->spec[i];
    size_t n = (size_t)sp->rows * (sp->cols ? sp->cols : 1);
    if (sp->dtype == G2PM_DTYPE_I8) {
      const int8_t *q = pf->tensor[i];
      for (size_t j = 0; j < n; j++)
        if (q[j] == -128)
          return BAD("tensor '%s' holds -128 at index %zu (int8 weights lie "
                     "in -127..127)", sp->name, j);
      continue;
    }
    if (sp->dtype == G2PM_DTYPE_I4) {
      const int8_t *q = pf->tensor[i];
      for (size_t j = 0; j < n; j++)
        if (q[j] < -7 || q[j] > 7)
          return BAD("tensor '%s' holds %d at index %zu (int4 weights lie "
                     "in -7..7)", sp->name, q[j], j);
      continue;
    }
    const float *t = pf->tensor[i];
    for (size_t j = 0; j < n; j++) {
      if (!isfinite(t[j]))
        return BAD("tensor '%s' holds a non-finite value at index %zu",
                   sp->name, j);
      if (sp->of >= 0 && !(t[j] > 0.0f))
        return BAD("tensor '%s': scale %zu is %g (scales must be > 0)",
                   sp->name, j, (double)t[j]);
    }
  }
  return check_name(pf->name, h->name_bytes, err, errlen);
}

/* ---- building the in-memory model ------------------------------------ */

typedef struct arena {
  uint8_t *base; /* NULL while sizing */
  size_t off;
} arena;

static void *take(arena *a, size_t bytes) {
  size_t at = g2p_layout_put(&a->off, bytes);
  return a->base ? a->base + at : NULL;
}

static size_t gi_stride(int hidden) {
  return G2P_ALIGN64((size_t)3 * (size_t)hidden * sizeof(float)) / sizeof(float);
}

/* Where each piece of the model goes; run once to size the block and once
 * to hand out pointers into it. */
typedef struct plan {
  g2pm_cp *cps;
  char *phon_text;
  uint32_t *phon_off;
  uint8_t *phon_len;
  float *enc_gi, *enc_whh, *enc_bhh, *enc_first;
  float *encb_gi, *encb_whh, *encb_bhh, *encb_first, *encb_second;
  float *dec_gi, *dec_whh, *dec_bhh;
  float *fc_w, *fc_b, *init_w, *init_b, *att_w, *comb_wh, *comb_wc, *comb_b;
  float *dec_wif;
} plan;

/* Packed bytes of a recurrent matrix: 4-bit for an int8 table reading an
 * int4 file, the table's own packing otherwise. */
static size_t rec_bytes(const struct g2p_model *m, int rows, int cols) {
  return m->weights_int4 && m->kw->int8 ? m->kw->packed_bytes_q4(rows, cols)
                                        : m->kw->packed_bytes(rows, cols);
}

static void carve(plan *p, arena *a, const struct g2p_model *m,
                  const symtabs *t, size_t phon_text_bytes) {
  const kern_ops *k = m->kw;
  size_t f = sizeof(float);
  p->cps = take(a, (size_t)(t->n_cps ? t->n_cps : 1) * sizeof(g2pm_cp));
  p->phon_text = take(a, phon_text_bytes);
  p->phon_off = take(a, (size_t)m->P * sizeof(uint32_t));
  p->phon_len = take(a, (size_t)m->P);
  p->enc_gi = take(a, (size_t)m->G * gi_stride(m->H) * f);
  p->enc_whh = take(a, rec_bytes(m, 3 * m->H, m->H));
  p->enc_bhh = take(a, (size_t)3 * m->H * f);
  p->enc_first = take(a, (size_t)m->G * m->H * f);
  if (g2pm_arch_attn(m->arch)) {
    p->encb_gi = take(a, (size_t)m->G * gi_stride(m->H) * f);
    p->encb_whh = take(a, rec_bytes(m, 3 * m->H, m->H));
    p->encb_bhh = take(a, (size_t)3 * m->H * f);
    p->encb_first = take(a, (size_t)m->G * m->H * f);
    p->encb_second = take(a, (size_t)m->G * m->H * f);
    p->init_w = take(a, k->packed_bytes(m->D, 2 * m->H));
    p->init_b = take(a, (size_t)m->D * f);
    p->att_w = take(a, k->packed_bytes(m->D, 2 * m->H));
    p->comb_wh = take(a, k->packed_bytes(m->D, m->D));
    p->comb_wc = take(a, k->packed_bytes(m->D, 2 * m->H));
    p->comb_b = take(a, (size_t)m->D * f);
  }
  p->dec_gi = take(a, (size_t)m->P * gi_stride(m->D) * f);
  p->dec_whh = take(a, rec_bytes(m, 3 * m->D, m->D));
  p->dec_bhh = take(a, (size_t)3 * m->D * f);
  p->fc_w = take(a, k->packed_bytes(m->P, m->D));
  p->fc_b = take(a, (size_t)m->P * f);
  if (m->arch == G2PM_ARCH_BIGRU_ATTN_IF)
    p->dec_wif = take(a, k->packed_bytes(3 * m->D, m->D));
}

static int tensor_index(const parsed *pf, const char *name) {
  for (int i = 0; i < pf->n; i++)
    if (strcmp(pf->spec[i].name, name) == 0)
      return i;
  return 0; /* unreachable: validate() found every tensor */
}

static const void *tensor(const parsed *pf, const char *name) {
  return pf->tensor[tensor_index(pf, name)];
}

static void *aligned(size_t bytes) {
  void *p = NULL;
  if (posix_memalign(&p, KERN_ALIGN, G2P_ALIGN64(bytes ? bytes : 1)) != 0)
    return NULL;
  return p;
}

/* Packs rows x cols of row-major weights src (tensor i of the file, f32 or
 * i8) for kw: f32 as it is (an int8 table quantizes it per row); i8 with
 * the tensor's per-row scales, as they are for an int8 table, dequantized
 * (q * scale) for an fp32 one. */
static int pack_weights(const kern_ops *kw, const parsed *pf, int i,
                        const void *src, float *dst, int rows, int cols) {
  if (pf->spec[i].dtype == G2PM_DTYPE_F32) {
    kw->pack_matrix(dst, src, rows, cols);
    return 0;
  }
  const int8_t *q = src;
  const float *scale = NULL;
  for (int j = 0; j < pf->n; j++)
    if (pf->spec[j].of == i)
      scale = pf->tensor[j];
  if (!scale)
    return G2P_EFORMAT; /* unreachable: g2pm_arch_tensors pairs them */
  if (kw->int8) {
    if (pf->spec[i].dtype == G2PM_DTYPE_I4)
      kw->pack_q4(dst, q, scale, rows, cols);
    else
      kw->pack_q8(dst, q, scale, rows, cols);
    return 0;
  }
  float *w = malloc((size_t)rows * (size_t)cols * sizeof(float));
  if (!w)
    return G2P_ENOMEM;
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++)
      w[(size_t)r * cols + c] = (float)q[(size_t)r * cols + c] * scale[r];
  kw->pack_matrix(dst, w, rows, cols);
  free(w);
  return 0;
}

/* Packs columns [c0, c0 + nc) of weight matrix `name` (rows x cols) for kw
 * (pack_weights). The scales of an int8 matrix are per row of the whole
 * matrix, so a column block keeps them: an i8 tensor's as they are, and an
 * f32 one bound for an int8 table is quantized whole first, as the
 * converter does (kern_q8_quantize_rows), so a split matrix runs the same
 * bits from either file. */
static int put_columns(const kern_ops *kw, const parsed *pf, const char *name,
                       float *dst, int rows, int cols, int c0, int nc) {
  int i = tensor_index(pf, name);
  int is_i8 = pf->spec[i].dtype != G2PM_DTYPE_F32; /* i8 or i4 */
  if (c0 == 0 && nc == cols)
    return pack_weights(kw, pf, i, pf->tensor[i], dst, rows, cols);
  size_t n = (size_t)rows * (size_t)cols;
  int8_t *whole_q = NULL;
  float *scale = NULL;
  if (!is_i8 && kw->int8) {
    whole_q = malloc(n);
    scale = malloc((size_t)rows * sizeof(float));
    if (!whole_q || !scale) {
      free(whole_q);
      free(scale);
      return G2P_ENOMEM;
    }
    kern_q8_quantize_rows(pf->tensor[i], rows, cols, NULL, whole_q, scale);
  }
  const uint8_t *whole = whole_q ? (const uint8_t *)whole_q : pf->tensor[i];
  size_t esz = is_i8 || whole_q ? 1 : sizeof(float);
  uint8_t *sub = malloc((size_t)rows * (size_t)nc * esz);
  if (!sub) {
    free(whole_q);
    free(scale);
    return G2P_ENOMEM;
  }
  for (int r = 0; r < rows; r++)
    memcpy(sub + (size_t)r * nc * esz,
           whole + ((size_t)r * cols + (size_t)c0) * esz, (size_t)nc * esz);
  int rc = 0;
  if (whole_q)
    kw->pack_q8(dst, (const int8_t *)sub, scale, rows, nc);
  else
    rc = pack_weights(kw, pf, i, sub, dst, rows, nc);
  free(sub);
  free(whole_q);
  free(scale);
  return rc;
}

/* Packs the whole of weight matrix `name` (rows x cols) for kw. */
static int put_matrix(const kern_ops *kw, const parsed *pf, const char *name,
                      float *dst, int rows, int cols) {
  return put_columns(kw, pf, name, dst, rows, cols, 0, cols);
}

/* Tabulates gi[s] = W_ih emb[s] + b_ih for every symbol s, packs W_hh. */
static int build_gru(const kern_ops *k, const kern_ops *kw, g2pm_gru *g,
                     float *gi, float *whh,
                     float *bhh, const float *emb, int nsym, int E,
                     const float *w_ih, const float *b_ih, const parsed *pf,
                     const char *w_hh, const float *b_hh, int hidden) {
  float *wih_p = aligned(k->packed_bytes(3 * hidden, E));
  float *x = aligned((size_t)E * sizeof(float));
  if (!wih_p || !x) {
    free(wih_p);
    free(x);
    return G2P_ENOMEM;
  }
  size_t stride = gi_stride(hidden);
  k->pack_matrix(wih_p, w_ih, 3 * hidden, E);
  for (int s = 0; s < nsym; s++) {
    memcpy(x, emb + (size_t)s * E, (size_t)E * sizeof(float));
    k->matvec(wih_p, b_ih, x, gi + (size_t)s * stride, 3 * hidden, E);
  }
  free(wih_p);
  free(x);
  int rc = put_matrix(kw, pf, w_hh, whh, 3 * hidden, hidden);
  if (rc)
    return rc;
  memcpy(bhh, b_hh, (size_t)3 * hidden * sizeof(float));
  g->gi = gi;
  g->gi_stride = stride;
  g->whh = whh;
  g->q4 = pf->spec[tensor_index(pf, w_hh)].dtype == G2PM_DTYPE_I4 && kw->int8;
  g->bhh = bhh;
  g->hidden = hidden;
  return 0;
}

/* An encoder's one-symbol states (model_impl.h), with the decoders' own
 * step functions, so a state read from the table has the bits the step
 * would have computed: first[s] is one step from h = 0, whose recurrent
 * projection W_hh 0 + b_hh is b_hh exactly in every table (fp32 products
 * of zero, an int32 sum of zeros; kernels-test checks it), so only the
 * gates run; second[s] (when not NULL) is a step on s from first[</s>]. */
static int tabulate_states(const kern_ops *kw, g2pm_gru *g, float *first,
                           float *second, int nsym) {
  int H = g->hidden;
  size_t hb = (size_t)H * sizeof(float);
  for (int s = 0; s < nsym; s++) {
    float *h = first + (size_t)s * (size_t)H;
    memset(h, 0, hb);
    kw->gru_gates(g->bhh, g->gi + (size_t)s * g->gi_stride, h, H);
  }
  g->first = first;
  if (!second)
    return 0;
  float *tmp = aligned((size_t)3 * hb);
  if (!tmp)
    return G2P_ENOMEM;
  for (int s = 0; s < nsym; s++) {
    float *h = second + (size_t)s * (size_t)H;
    memcpy(h, first + (size_t)G2PM_G_EOS * (size_t)H, hb);
    (g->q4 ? kw->gru_step_q4 : kw->gru_step)(
        g->whh, g->bhh, g->gi + (size_t)s * g->gi_stride, h, tmp, H);
  }
  free(tmp);
  g->second = second;
  return 0;
}

static int build(struct g2p_model *m, const parsed *pf, const symtabs *t,
                 char *err, size_t errlen) {
  const g2pm_header *h = &pf->h;
  m->arch = h->arch;
  m->G = (int)h->G;
  m->P = (int)h->P;
  m->E = (int)h->E;
  m->H = (int)h->H;
  m->Ed = (int)h->Ed;
  m->D = (int)h->D;
  m->max_len = (int)h->max_len;
  m->checksum = h->data_crc;
  m->weights_int8 = (h->flags & G2PM_FLAG_INT8) != 0;
  m->weights_int4 = (h->flags & G2PM_FLAG_INT4) != 0;
  m->reversed = (h->flags & G2PM_FLAG_REVERSED) != 0;
  memcpy(m->name, pf->name, h->name_bytes);
  m->name[h->name_bytes] = '\0';
  memcpy(m->ascii_id, t->ascii_id, sizeof m->ascii_id);
  m->n_cps = t->n_cps;

  size_t phon_text_bytes = (size_t)h->phonemes_bytes + 1;
  plan p;
  arena a = {NULL, 0};
  carve(&p, &a, m, t, phon_text_bytes);
  m->block_bytes = a.off;
  m->block = aligned(a.off);
  if (!m->block)
    return err_set(err, errlen, G2P_ENOMEM,
                "out of memory for the model (%zu bytes)", a.off);
  memset(m->block, 0, a.off);
  a = (arena){m->block, 0};
  carve(&p, &a, m, t, phon_text_bytes);

  memcpy(p.cps, t->cps, (size_t)t->n_cps * sizeof *t->cps);
  m->cps = p.cps;
  size_t o = 0;
  for (int i = 0; i < m->P; i++) {
    memcpy(p.phon_text + o, pf->phonemes + t->poff[i], t->plen[i]);
    p.phon_off[i] = (uint32_t)o;
    p.phon_len[i] = (uint8_t)t->plen[i];
    o += t->plen[i];
    p.phon_text[o++] = '\0';
  }
  m->phon_text = p.phon_text;
  m->phon_off = p.phon_off;
  m->phon_len = p.phon_len;

  const kern_ops *k = m->k, *kw = m->kw;
  int rc;
  const float *enc_emb = tensor(pf, "enc_emb");
  if (m->arch == G2PM_ARCH_GRU) {
    rc = build_gru(k, kw, &m->enc, p.enc_gi, p.enc_whh, p.enc_bhh, enc_emb, m->G,
                   m->E, tensor(pf, "enc_w_ih"), tensor(pf, "enc_b_ih"),
                   pf, "enc_w_hh", tensor(pf, "enc_b_hh"), m->H);
    if (rc == 0)
      rc = tabulate_states(kw, &m->enc, p.enc_first, NULL, m->G);
  } else {
    rc = build_gru(k, kw, &m->enc, p.enc_gi, p.enc_whh, p.enc_bhh, enc_emb, m->G,
                   m->E, tensor(pf, "encf_w_ih"), tensor(pf, "encf_b_ih"),
                   pf, "encf_w_hh", tensor(pf, "encf_b_hh"), m->H);
    if (rc == 0)
      rc = build_gru(k, kw, &m->encb, p.encb_gi, p.encb_whh, p.encb_bhh, enc_emb,
                     m->G, m->E, tensor(pf, "encb_w_ih"),
                     tensor(pf, "encb_b_ih"), pf, "encb_w_hh",
                     tensor(pf, "encb_b_hh"), m->H);
    if (rc == 0)
      rc = tabulate_states(kw, &m->enc, p.enc_first, NULL, m->G);
    if (rc == 0)
      rc = tabulate_states(kw, &m->encb, p.encb_first, p.encb_second, m->G);
    if (rc == 0) {
      rc = put_matrix(kw, pf, "init_w", p.init_w, m->D, 2 * m->H);
      memcpy(p.init_b, tensor(pf, "init_b"), (size_t)m->D * sizeof(float));
      if (rc == 0)
        rc = put_matrix(kw, pf, "att_w", p.att_w, m->D, 2 * m->H);
      if (rc == 0)
        rc = put_columns(kw, pf, "comb_w", p.comb_wh, m->D, m->D + 2 * m->H,
                         0, m->D);
      if (rc == 0)
        rc = put_columns(kw, pf, "comb_w", p.comb_wc, m->D, m->D + 2 * m->H,
                         m->D, 2 * m->H);
      memcpy(p.comb_b, tensor(pf, "comb_b"), (size_t)m->D * sizeof(float));
      m->init_w = p.init_w;
      m->init_b = p.init_b;
      m->att_w = p.att_w;
      m->comb_wh = p.comb_wh;
      m->comb_wc = p.comb_wc;
      m->comb_b = p.comb_b;
    }
  }
  if (rc == 0)
    rc = build_gru(k, kw, &m->dec, p.dec_gi, p.dec_whh, p.dec_bhh,
                   tensor(pf, "dec_emb"), m->P, m->Ed,
                   tensor(pf, "dec_w_ih"), tensor(pf, "dec_b_ih"),
                   pf, "dec_w_hh", tensor(pf, "dec_b_hh"), m->D);
  if (rc == 0)
    rc = put_matrix(kw, pf, "fc_w", p.fc_w, m->P, m->D);
  if (rc == 0 && m->arch == G2PM_ARCH_BIGRU_ATTN_IF)
    rc = put_matrix(kw, pf, "dec_w_if", p.dec_wif, 3 * m->D, m->D);
  if (rc)
    return err_set(err, errlen, rc, "out of memory packing the model");
  memcpy(p.fc_b, tensor(pf, "fc_b"), (size_t)m->P * sizeof(float));
  m->fc_w = p.fc_w;
  m->fc_b = p.fc_b;
  if (m->arch == G2PM_ARCH_BIGRU_ATTN_IF)
    m->dec_wif = p.dec_wif;
  return 0;
}

int g2p_model_open_mem(g2p_model **out, const void *image, size_t size,
                       const char *kernel, char *err, size_t errlen) {
  *out = NULL;
  if (err && errlen)
    err[0] = '\0';
  parsed pf;
  memset(&pf, 0, sizeof pf);
  int rc = validate(&pf, image, size, err, errlen);
  if (rc)
    return rc;
  /* "auto" follows the file: int8 weights get the best int8 table */
  char kerr[200] = "";
  const kern_ops *k = kern_select_for(kernel, (pf.h.flags & G2PM_FLAG_INT8) != 0,
                                      kerr, sizeof kerr);
  if (!k)
    return err_set(err, errlen, G2P_EINVAL, "%s", kerr);
  symtabs t;
  memset(&t, 0, sizeof t);
  rc = check_symbols(&pf, &t, err, errlen);
  if (rc) {
    symtabs_free(&t);
    return rc;
  }
  struct g2p_model *m = calloc(1, sizeof *m);
  if (!m) {
    symtabs_free(&t);
    return err_set(err, errlen, G2P_ENOMEM, "out of memory");
  }
  m->kw = k;
  m->k = k->f32;
  rc = build(m, &pf, &t, err, errlen);
  symtabs_free(&t);
  if (rc) {
    g2p_model_close(m);
    return rc;
  }
  *out = m;
  return 0;
}

int g2p_model_open_ex(g2p_model **out, const char *path, const char *kernel,
                      char *err, size_t errlen) {
  *out = NULL;
  filebuf fb;
  char why[256];
  int mrc = filebuf_read(&fb, path, 1, G2PM_MAX_FILE_BYTES, why, sizeof why);
  if (mrc == FILEBUF_ESIZE && fb.size == 0)
    return err_set(err, errlen, G2P_EFORMAT, "%s: file is empty (0 bytes)",
                path);
  if (mrc == FILEBUF_ESIZE)
    return err_set(err, errlen, G2P_EFORMAT, "%s: file too large (%llu bytes)",
                path, (unsigned long long)fb.size);
  if (mrc != FILEBUF_OK) return err_set(err, errlen, G2P_EIO, "%s", why);
  /* the model copies what it keeps into its own aligned block */
  int rc = g2p_model_open_mem(out, fb.base, (size_t)fb.size, kernel, why,
                              sizeof why);
  filebuf_free(&fb);
  if (rc)
    err_set(err, errlen, rc, "%s: %s", path, why);
  return rc;
}

int g2p_model_open(g2p_model **out, const char *path, char *err,
                   size_t errlen) {
  return g2p_model_open_ex(out, path, NULL, err, errlen);
}

void g2p_model_close(g2p_model *model) {
  if (!model)
    return;
  free(model->block);
  free(model);
}

uint32_t g2pm_grapheme_id(const struct g2p_model *m, uint32_t cp) {
  if (cp < 128)
    return m->ascii_id[cp];
  int lo = 0, hi = m->n_cps - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    if (m->cps[mid].cp == cp)
      return m->cps[mid].id;
    if (m->cps[mid].cp < cp)
      lo = mid + 1;
    else
      hi = mid - 1;
  }
  return G2PM_G_UNK;
}

const char *g2p_model_name(const g2p_model *model) { return model->name; }

const char *g2p_model_arch(const g2p_model *model) {
  return g2pm_arch_name(model->arch);
}

int g2p_model_reversed(const g2p_model *model) { return model->reversed; }

int g2p_model_weights_int4(const g2p_model *model) {
  return model->weights_int4;
}

int g2p_model_weights_int8(const g2p_model *model) {
  return model->weights_int8;
}

const char *g2p_model_kernel(const g2p_model *model) {
  return model->kw->name;
}

uint32_t g2p_model_checksum(const g2p_model *model) {
  return model->checksum;
}

int g2p_model_num_phonemes(const g2p_model *model) { return model->P; }
int g2p_model_max_len(const g2p_model *model) { return model->max_len; }
int g2p_model_state_size(const g2p_model *model) { return model->D; }

const char *g2p_model_phoneme(const g2p_model *model, int id, size_t *len) {
  if (id < 0 || id >= model->P) {
    *len = 0;
    return NULL;
  }
  *len = model->phon_len[id];
  return model->phon_text + model->phon_off[id];
}

int g2p_model_phoneme_id(const g2p_model *model, const char *sym,
                         size_t len) {
  for (int i = 0; i < model->P; i++)
    if (model->phon_len[i] == len &&
        memcmp(model->phon_text + model->phon_off[i], sym, len) == 0)
      return i;
  return -1;
}
