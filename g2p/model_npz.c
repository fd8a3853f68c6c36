/* model_npz.c -- reads the arrays out of a numpy .npz without Python.
 *
 * An .npz written by numpy.savez is a zip archive of "stored" (method 0)
 * members, each an .npy file: a magic, a small Python-dict header naming
 * dtype, memory order and shape, then the raw little-endian data. The
 * converter may be pointed at any file, so this reader goes through the zip
 * central directory (not by scanning for signatures), checks every offset
 * and length against the file size before touching the bytes, verifies each
 * member's CRC-32, and refuses what it does not understand -- compressed
 * members (numpy.savez_compressed), encryption, Fortran-order arrays,
 * dtypes other than float32/int32/int64/uint8 -- with a message that says
 * which member and why. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/errbuf.h"
#include "g2p/model_npz.h"
#include "common/filebuf.h"


#define BAD(...) err_set(err, errlen, -1, __VA_ARGS__)

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
static uint64_t rd64(const uint8_t *p) {
  return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static int inside(uint64_t off, uint64_t len, uint64_t size) {
  return off <= size && len <= size - off;
}

/* CRC-32 (IEEE 802.3, the zip checksum). */
static uint32_t zip_table[256];
static pthread_once_t zip_once = PTHREAD_ONCE_INIT;

static void zip_crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
    zip_table[i] = c;
  }
}

static uint32_t zip_crc32(const uint8_t *p, size_t n) {
  pthread_once(&zip_once, zip_crc_init);
  uint32_t c = 0xffffffffu;
  while (n--)
    c = (c >> 8) ^ zip_table[(c ^ *p++) & 0xff];
  return ~c;
}

/* Finds the value text after 'key': in a numpy header dict. */
static const char *dict_value(const char *hdr, const char *key) {
  char pat[40];
  snprintf(pat, sizeof pat, "'%s':", key);
  const char *p = strstr(hdr, pat);
  if (!p) {
    snprintf(pat, sizeof pat, "\"%s\":", key);
    p = strstr(hdr, pat);
  }
  if (!p)
    return NULL;
  p += strlen(pat);
  while (*p == ' ')
    p++;
  return p;
}

/* Parses one .npy member (bytes [0, n)) into a. */
static int parse_npy(npz_array *a, const uint8_t *p, uint64_t n, char *err,
                     size_t errlen) {
  static const uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (n < 10 || memcmp(p, magic, 6) != 0)
    return BAD("member %s.npy is not an .npy array (bad magic)", a->name);
  uint64_t hlen, hstart;
  if (p[6] == 1) {
    hlen = rd16(p + 8);
    hstart = 10;
  } else if (p[6] == 2 || p[6] == 3) {
    if (n < 12)
      return BAD("member %s.npy: truncated header", a->name);
    hlen = rd32(p + 8);
    hstart = 12;
  } else {
    return BAD("member %s.npy: unsupported .npy version %u.%u", a->name, p[6],
               p[7]);
  }
  if (!inside(hstart, hlen, n))
    return BAD("member %s.npy: header runs past the member", a->name);
  char hdr[4096];
  if (hlen >= sizeof hdr)
    return BAD("member %s.npy: header of %llu bytes is too long", a->name,
               (unsigned long long)hlen);
  memcpy(hdr, p + hstart, hlen);
  hdr[hlen] = '\0';
  if (strlen(hdr) != hlen)
    return BAD("member %s.npy: NUL byte in the header", a->name);

  const char *v = dict_value(hdr, "descr");
  if (!v || (*v != '\'' && *v != '"'))
    return BAD("member %s.npy: header lacks 'descr'", a->name);
  char q = *v++;
  const char *e = strchr(v, q);
  if (!e || e - v > 15)
    return BAD("member %s.npy: bad 'descr'", a->name);
  char descr[16];
  memcpy(descr, v, (size_t)(e - v));
  descr[e - v] = '\0';
  uint64_t item, strlen_n = 0;
  if (strcmp(descr, "<f4") == 0)
    a->dtype = NPZ_F32, item = 4;
  else if (strcmp(descr, "<i4") == 0)
    a->dtype = NPZ_I32, item = 4;
  else if (strcmp(descr, "<i8") == 0)
    a->dtype = NPZ_I64, item = 8;
  else if (strcmp(descr, "|u1") == 0 || strcmp(descr, "|i1") == 0)
    a->dtype = NPZ_U8, item = 1;
  else if (descr[0] == '|' && descr[1] == 'S' && descr[2] >= '1' &&
           descr[2] <= '9' && strlen(descr) <= 6) {
    strlen_n = strtoull(descr + 2, NULL, 10);
    a->dtype = NPZ_U8, item = strlen_n;
  } else
    return BAD("member %s.npy: dtype '%s' is not supported (float32, int32, "
               "int64 or uint8 expected)", a->name, descr);

  v = dict_value(hdr, "fortran_order");
  if (!v)
    return BAD("member %s.npy: header lacks 'fortran_order'", a->name);
  if (strncmp(v, "False", 5) != 0)
    return BAD("member %s.npy: Fortran-order arrays are not supported",
               a->name);

  v = dict_value(hdr, "shape");
  if (!v || *v != '(')
    return BAD("member %s.npy: header lacks 'shape'", a->name);
  v++;
  a->ndim = 0;
  a->count = 1;
  for (;;) {
    while (*v == ' ')
      v++;
    if (*v == ')')
      break;
    if (*v < '0' || *v > '9')
      return BAD("member %s.npy: bad 'shape'", a->name);
    char *end;
    errno = 0;
    unsigned long long d = strtoull(v, &end, 10);
    if (errno || d > ((uint64_t)1 << 32))
      return BAD("member %s.npy: dimension too large", a->name);
    if (a->ndim == NPZ_MAX_NDIM)
      return BAD("member %s.npy: more than %d dimensions", a->name,
                 NPZ_MAX_NDIM);
    a->shape[a->ndim++] = d;
    if (d && a->count > UINT64_MAX / d)
      return BAD("member %s.npy: shape overflows", a->name);
    a->count *= d;
    v = end;
    while (*v == ' ')
      v++;
    if (*v == ',')
      v++;
    else if (*v != ')')
      return BAD("member %s.npy: bad 'shape'", a->name);
  }
  if (a->count > UINT64_MAX / (item ? item : 1))
    return BAD("member %s.npy: shape overflows", a->name);
  uint64_t bytes = a->count * item;
  if (strlen_n) { /* fixed-width bytes: present them as one uint8 vector */
    a->ndim = 1;
    a->shape[0] = bytes;
    a->count = bytes;
  }
  uint64_t data = hstart + hlen;
  if (n - data != bytes)
    return BAD("member %s.npy: holds %llu data bytes, its shape needs %llu",
               a->name, (unsigned long long)(n - data),
               (unsigned long long)bytes);
  a->data = p + data;
  return 0;
}

int npz_parse(npz_file *z, const uint8_t *buf, size_t size, char *err,
              size_t errlen) {
  z->n = 0;
  if (size < 22)
    return BAD("not a zip archive (file of %zu bytes)", size);
  /* End of central directory: last record, comment at most 65535 bytes. */
  size_t lo = size > 22 + 65535 ? size - 22 - 65535 : 0;
  size_t eocd = (size_t)-1;
  for (size_t i = size - 22 + 1; i-- > lo;) {
    if (rd32(buf + i) == 0x06054b50u &&
        (uint64_t)i + 22 + rd16(buf + i + 20) == size) {
      eocd = i;
      break;
    }
  }
  if (eocd == (size_t)-1)
    return BAD("not a zip archive (no end-of-central-directory record)");
  uint64_t entries = rd16(buf + eocd + 10);
  uint64_t cd_size = rd32(buf + eocd + 12);
  uint64_t cd_off = rd32(buf + eocd + 16);
  if (rd16(buf + eocd + 4) != 0 || rd16(buf + eocd + 6) != 0)
    return BAD("multi-volume zip archives are not supported");
  if (entries == 0xffff || cd_size == 0xffffffffu ||
      cd_off == 0xffffffffu) {
    /* zip64: locator right before the EOCD, pointing at the zip64 record */
    if (eocd < 20 || rd32(buf + eocd - 20) != 0x07064b50u)
      return BAD("zip64 archive without a zip64 locator");
    uint64_t r = rd64(buf + eocd - 20 + 8);
    if (!inside(r, 56, size) || rd32(buf + r) != 0x06064b50u)
      return BAD("zip64 end-of-central-directory record is damaged");
    entries = rd64(buf + r + 32);
    cd_size = rd64(buf + r + 40);
    cd_off = rd64(buf + r + 48);
  }
  if (!inside(cd_off, cd_size, size))
    return BAD("zip central directory lies outside the file");
  if (entries > NPZ_MAX_ENTRIES)
    return BAD("zip archive has %llu members (at most %d supported)",
               (unsigned long long)entries, NPZ_MAX_ENTRIES);

  uint64_t p = cd_off, end = cd_off + cd_size;
  for (uint64_t k = 0; k < entries; k++) {
    if (!inside(p, 46, end) || rd32(buf + p) != 0x02014b50u)
      return BAD("zip central directory entry %llu is damaged",
                 (unsigned long long)k);
    const uint8_t *c = buf + p;
    uint16_t flags = rd16(c + 8), method = rd16(c + 10);
    uint32_t crc = rd32(c + 16);
    uint64_t csize = rd32(c + 20), usize = rd32(c + 24);
    uint16_t nlen = rd16(c + 28), xlen = rd16(c + 30), clen = rd16(c + 32);
    uint64_t lho = rd32(c + 42);
    if (!inside(p + 46, (uint64_t)nlen + xlen + clen, end))
      return BAD("zip central directory entry %llu runs past the directory",
                 (unsigned long long)k);
    const uint8_t *name = c + 46;
    npz_array *a = &z->a[z->n];
    memset(a, 0, sizeof *a);
    if (nlen < 5 || (size_t)nlen - 4 >= sizeof a->name ||
        memcmp(name + nlen - 4, ".npy", 4) != 0)
      return BAD("zip member %llu is not a short '<name>.npy'",
                 (unsigned long long)k);
    memcpy(a->name, name, nlen - 4u);
    a->name[nlen - 4] = '\0';
    if (strlen(a->name) != nlen - 4u)
      return BAD("zip member %llu: NUL in its name", (unsigned long long)k);
    /* zip64 extra field: sizes and offset that did not fit in 32 bits */
    const uint8_t *x = name + nlen, *xend = x + xlen;
    while (xend - x >= 4) {
      uint16_t id = rd16(x), len = rd16(x + 2);
      if (len > xend - x - 4)
        return BAD("member %s: damaged extra field", a->name);
      if (id == 0x0001) {
        const uint8_t *f = x + 4, *fend = f + len;
        if (usize == 0xffffffffu) {
          if (fend - f < 8)
            return BAD("member %s: damaged zip64 field", a->name);
          usize = rd64(f), f += 8;
        }
        if (csize == 0xffffffffu) {
          if (fend - f < 8)
            return BAD("member %s: damaged zip64 field", a->name);
          csize = rd64(f), f += 8;
        }
        if (lho == 0xffffffffu) {
          if (fend - f < 8)
            return BAD("member %s: damaged zip64 field", a->name);
          lho = rd64(f);
        }
      }
      x += 4 + len;
    }
    if (flags & 1)
      return BAD("member %s is encrypted", a->name);
    if (method != 0)
      return BAD("member %s.npy is compressed (zip method %u); write the "
                 "file with numpy.savez, not savez_compressed", a->name,
                 method);
    if (csize != usize)
      return BAD("member %s: stored sizes disagree", a->name);
    if (!inside(lho, 30, size) || rd32(buf + lho) != 0x04034b50u)
      return BAD("member %s: local header is damaged", a->name);
    uint64_t data = lho + 30 + rd16(buf + lho + 26) + rd16(buf + lho + 28);
    if (rd16(buf + lho + 8) != 0)
      return BAD("member %s.npy is compressed (local header); write the "
                 "file with numpy.savez, not savez_compressed", a->name);
    if (!inside(data, usize, size))
      return BAD("member %s: data runs past the end of the file", a->name);
    if (zip_crc32(buf + data, usize) != crc)
      return BAD("member %s: CRC-32 mismatch (the archive is damaged)",
                 a->name);
    for (int i = 0; i < z->n; i++)
      if (strcmp(z->a[i].name, a->name) == 0)
        return BAD("member %s appears twice", a->name);
    if (parse_npy(a, buf + data, usize, err, errlen))
      return -1;
    z->n++;
    p += 46 + (uint64_t)nlen + xlen + clen;
  }
  return 0;
}

int npz_open(npz_file *z, const char *path, char *err, size_t errlen) {
  memset(z, 0, sizeof *z);
  filebuf fb;
  char why[256];
  int mrc = filebuf_read(&fb, path, 1, SIZE_MAX, why, sizeof why);
  if (mrc == FILEBUF_ESIZE)
    return BAD("%s: not a non-empty regular file", path);
  if (mrc != FILEBUF_OK)
    return BAD("%s", why);
  z->map = fb.base;
  z->size = (size_t)fb.size;
  if (npz_parse(z, z->map, z->size, why, sizeof why)) {
    npz_close(z);
    return BAD("%s: %s", path, why);
  }
  return 0;
}

void npz_close(npz_file *z) {
  filebuf fb = {(void *)z->map, z->size};
  filebuf_free(&fb);
  memset(z, 0, sizeof *z);
}

const npz_array *npz_find(const npz_file *z, const char *name) {
  for (int i = 0; i < z->n; i++)
    if (strcmp(z->a[i].name, name) == 0)
      return &z->a[i];
  return NULL;
}
