/* tagger_format.c -- opening and validating linear-model files (see
 * tagger_format.h). Nothing in the file is used before it is checked; a
 * damaged file is refused with a message that names what is wrong. */
#include "text/tagger_format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/errbuf.h"
#include "common/filebuf.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "linear-model files are read in place: little-endian hosts only"
#endif

static uint32_t crc_table[256];
static int crc_ready;

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    crc_table[i] = c;
  }
  crc_ready = 1;
}

uint32_t linm_crc32c(uint32_t crc, const void *data, size_t n) {
  if (!crc_ready) crc_init();
  const uint8_t *p = data;
  crc = ~crc;
  for (size_t i = 0; i < n; i++) crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

static uint32_t rd32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static uint64_t rd64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/* [off, off+len) inside the body (after the header) of a size-byte file */
static int in_body(uint64_t off, uint64_t len, uint64_t size) {
  return off >= LINM_HEADER_BYTES && off <= size && len <= size - off;
}

static int overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen) {
  return alen && blen && a < b + blen && b < a + alen;
}

static int validate(linm *m, const uint8_t *p, uint64_t size, uint32_t kind, char *err,
                    size_t errlen) {
  if (size < LINM_HEADER_BYTES)
    return err_set(err, errlen, LINM_EFORMAT, "truncated: %llu bytes, header needs %u",
                   (unsigned long long)size, LINM_HEADER_BYTES);
  if (memcmp(p, LINM_MAGIC, 8) != 0)
    return err_set(err, errlen, LINM_EFORMAT, "bad magic: not a linear-model (.linm) file");
  uint32_t version = rd32(p + 8);
  if (version != LINM_VERSION)
    return err_set(err, errlen, LINM_EFORMAT, "unsupported version %u (this reader: %u)",
                   version, LINM_VERSION);
  if (rd32(p + 12) != LINM_HEADER_BYTES)
    return err_set(err, errlen, LINM_EFORMAT, "header_bytes %u, expected %u", rd32(p + 12),
                   LINM_HEADER_BYTES);
  uint32_t hcrc = linm_crc32c(0, p, 124);
  if (hcrc != rd32(p + 124))
    return err_set(err, errlen, LINM_EFORMAT, "header checksum mismatch (%08x, stored %08x)",
                   hcrc, rd32(p + 124));
  uint64_t file_bytes = rd64(p + 16);
  if (file_bytes != size)
    return err_set(err, errlen, LINM_EFORMAT,
                   "file_bytes %llu but the file has %llu bytes (truncated or padded)",
                   (unsigned long long)file_bytes, (unsigned long long)size);
  uint32_t k = rd32(p + 24);
  if (k != kind)
    return err_set(err, errlen, LINM_EFORMAT, "kind %u, expected %u (%s model)", k, kind,
                   kind == LINM_KIND_TAGGER ? "tagger" : "homograph");
  m->kind = k;
  m->n_classes = rd32(p + 28);
  m->n_slots = rd32(p + 32);
  m->n_features = rd32(p + 36);
  m->n_pairs = rd32(p + 40);
  m->max_probe = rd32(p + 44);
  uint64_t classes_off = rd64(p + 48);
  uint32_t classes_bytes = rd32(p + 56);
  uint64_t slots_off = rd64(p + 64), pairs_off = rd64(p + 72), extra_off = rd64(p + 80);
  uint32_t extra_bytes = rd32(p + 88);
  if (rd32(p + 60) != 0)
    return err_set(err, errlen, LINM_EFORMAT, "reserved field at 60 not 0");
  for (unsigned o = 92; o < 124; o += 4)
    if (o != 112 && rd32(p + o) != 0)
      return err_set(err, errlen, LINM_EFORMAT, "reserved field at %u not 0", o);
  if (m->n_classes < 1 || m->n_classes > LINM_MAX_CLASSES)
    return err_set(err, errlen, LINM_EFORMAT, "n_classes %u outside 1..%u", m->n_classes,
                   LINM_MAX_CLASSES);
  if (m->n_slots < 2 || m->n_slots > LINM_MAX_SLOTS || (m->n_slots & (m->n_slots - 1)))
    return err_set(err, errlen, LINM_EFORMAT, "n_slots %u not a power of two in 2..%u",
                   m->n_slots, LINM_MAX_SLOTS);
  if (m->n_features >= m->n_slots)
    return err_set(err, errlen, LINM_EFORMAT,
                   "n_features %u leaves no empty slot of %u (probes would not end)",
                   m->n_features, m->n_slots);
  if (m->max_probe < 1 || m->max_probe > m->n_slots)
    return err_set(err, errlen, LINM_EFORMAT, "max_probe %u outside 1..n_slots", m->max_probe);
  uint64_t slots_len = (uint64_t)m->n_slots * LINM_SLOT_BYTES;
  uint64_t pairs_len = (uint64_t)m->n_pairs * LINM_PAIR_BYTES;
  if (!in_body(classes_off, classes_bytes, size))
    return err_set(err, errlen, LINM_EFORMAT, "class names [%llu,+%u) outside the file",
                   (unsigned long long)classes_off, classes_bytes);
  if (!in_body(slots_off, slots_len, size))
    return err_set(err, errlen, LINM_EFORMAT, "feature table [%llu,+%llu) outside the file",
                   (unsigned long long)slots_off, (unsigned long long)slots_len);
  if (!in_body(pairs_off, pairs_len, size))
    return err_set(err, errlen, LINM_EFORMAT, "weights [%llu,+%llu) outside the file",
                   (unsigned long long)pairs_off, (unsigned long long)pairs_len);
  if (!in_body(extra_off, extra_bytes, size))
    return err_set(err, errlen, LINM_EFORMAT, "extra section [%llu,+%u) outside the file",
                   (unsigned long long)extra_off, extra_bytes);
  if (slots_off % 64 || pairs_off % 64 || extra_off % 8)
    return err_set(err, errlen, LINM_EFORMAT,
                   "section offset not aligned (slots %llu, "
                   "weights %llu: 64; extra %llu: 8)",
                   (unsigned long long)slots_off, (unsigned long long)pairs_off,
                   (unsigned long long)extra_off);
  if (overlap(classes_off, classes_bytes, slots_off, slots_len) ||
      overlap(classes_off, classes_bytes, pairs_off, pairs_len) ||
      overlap(classes_off, classes_bytes, extra_off, extra_bytes) ||
      overlap(slots_off, slots_len, pairs_off, pairs_len) ||
      overlap(slots_off, slots_len, extra_off, extra_bytes) ||
      overlap(pairs_off, pairs_len, extra_off, extra_bytes))
    return err_set(err, errlen, LINM_EFORMAT, "sections overlap");
  uint32_t dcrc = linm_crc32c(0, p + LINM_HEADER_BYTES, size - LINM_HEADER_BYTES);
  if (dcrc != rd32(p + 112))
    return err_set(err, errlen, LINM_EFORMAT, "data checksum mismatch (%08x, stored %08x)",
                   dcrc, rd32(p + 112));
  m->data_crc = dcrc;

  /* class names: n_classes of (u8 len >= 1, bytes without NUL), exactly */
  const uint8_t *c = p + classes_off, *ce = c + classes_bytes;
  for (uint32_t i = 0; i < m->n_classes; i++) {
    if (c >= ce)
      return err_set(err, errlen, LINM_EFORMAT, "class names end after %u of %u", i,
                     m->n_classes);
    uint8_t len = *c++;
    if (len == 0 || len > ce - c)
      return err_set(err, errlen, LINM_EFORMAT, "class name %u: length %u out of range", i,
                     len);
    if (memchr(c, 0, len))
      return err_set(err, errlen, LINM_EFORMAT, "class name %u contains NUL", i);
    m->class_name[i] = c;
    m->class_len[i] = len;
    c += len;
  }
  if (c != ce)
    return err_set(err, errlen, LINM_EFORMAT, "class names: %ld bytes left over",
                   (long)(ce - c));

  m->slots = p + slots_off;
  m->pairs = (const linm_pair *)(const void *)(p + pairs_off);
  m->extra = p + extra_off;
  m->extra_bytes = extra_bytes;

  /* weights: class in range, reserved 0, finite */
  for (uint32_t i = 0; i < m->n_pairs; i++) {
    const linm_pair *w = &m->pairs[i];
    if (w->cls >= m->n_classes)
      return err_set(err, errlen, LINM_EFORMAT, "weight %u: class %u >= n_classes %u", i,
                     w->cls, m->n_classes);
    if (w->reserved != 0)
      return err_set(err, errlen, LINM_EFORMAT, "weight %u: reserved field not 0", i);
    if (!isfinite(w->w))
      return err_set(err, errlen, LINM_EFORMAT, "weight %u is not finite", i);
  }
  /* feature table: every occupied slot reachable from its home within
   * max_probe, its weight range inside the table with classes ascending,
   * no hash twice, empty slots all zero, and n_features occupied */
  uint32_t mask = m->n_slots - 1, used = 0;
  for (uint32_t i = 0; i < m->n_slots; i++) {
    const uint8_t *s = m->slots + (size_t)i * LINM_SLOT_BYTES;
    uint64_t h = rd64(s);
    uint32_t first = rd32(s + 8);
    uint16_t count, res;
    memcpy(&count, s + 12, 2);
    memcpy(&res, s + 14, 2);
    if (res != 0)
      return err_set(err, errlen, LINM_EFORMAT, "slot %u: reserved field not 0", i);
    if (h == 0) {
      if (first || count)
        return err_set(err, errlen, LINM_EFORMAT, "slot %u: empty but has weights", i);
      continue;
    }
    used++;
    uint32_t home = (uint32_t)h & mask, dist = ((i - home) & mask) + 1;
    if (dist > m->max_probe)
      return err_set(err, errlen, LINM_EFORMAT,
                     "slot %u: %u probes from its home slot, max_probe is %u", i, dist,
                     m->max_probe);
    for (uint32_t j = home; j != i; j = (j + 1) & mask) {
      uint64_t hj = rd64(m->slots + (size_t)j * LINM_SLOT_BYTES);
      if (hj == 0)
        return err_set(err, errlen, LINM_EFORMAT,
                       "slot %u: an empty slot lies between it and its home", i);
      if (hj == h) return err_set(err, errlen, LINM_EFORMAT, "slot %u: hash appears twice", i);
    }
    if (count == 0 || first > m->n_pairs || count > m->n_pairs - first)
      return err_set(err, errlen, LINM_EFORMAT, "slot %u: weights [%u,+%u) outside %u", i,
                     first, count, m->n_pairs);
    for (uint32_t q = 1; q < count; q++)
      if (m->pairs[first + q].cls <= m->pairs[first + q - 1].cls)
        return err_set(err, errlen, LINM_EFORMAT, "slot %u: classes not ascending", i);
  }
  if (used != m->n_features)
    return err_set(err, errlen, LINM_EFORMAT, "%u occupied slots but n_features %u", used,
                   m->n_features);
  return LINM_OK;
}

int linm_open_buffer(linm *m, const void *buf, size_t n, uint32_t kind, char *err,
                     size_t errlen) {
  memset(m, 0, sizeof *m);
  if (!buf) return err_set(err, errlen, LINM_EFORMAT, "no data");
  if ((uintptr_t)buf % 64)
    return err_set(err, errlen, LINM_EFORMAT, "buffer not 64-byte aligned");
  int rc = validate(m, buf, n, kind, err, errlen);
  if (rc != LINM_OK) {
    memset(m, 0, sizeof *m);
    return rc;
  }
  m->base = buf;
  m->size = n;
  m->owned = 0;
  return LINM_OK;
}

int linm_open(linm *m, const char *path, uint32_t kind, char *err, size_t errlen) {
  memset(m, 0, sizeof *m);
  filebuf fb;
  char why[256];
  int frc = filebuf_read(&fb, path, LINM_HEADER_BYTES, LINM_MAX_FILE, why, sizeof why);
  if (frc == FILEBUF_ESIZE)
    return err_set(err, errlen, LINM_EFORMAT, "%s: size %llu outside %u..%llu bytes", path,
                   (unsigned long long)fb.size, LINM_HEADER_BYTES,
                   (unsigned long long)LINM_MAX_FILE);
  if (frc != FILEBUF_OK) return err_set(err, errlen, LINM_EIO, "%s", why);
  size_t n = (size_t)fb.size;
  int rc = validate(m, fb.base, n, kind, why, sizeof why);
  if (rc != LINM_OK) {
    filebuf_free(&fb);
    memset(m, 0, sizeof *m);
    return err_set(err, errlen, rc, "%s: %s", path, why);
  }
  m->base = fb.base;
  m->size = n;
  m->owned = 1;
  return LINM_OK;
}

void linm_close(linm *m) {
  if (m && m->base && m->owned) free((void *)m->base);
  if (m) m->base = NULL;
}
