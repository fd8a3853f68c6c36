/* model_write.c -- produces model files: lays out the header, tensor
 * directory, symbol tables and 64-byte aligned tensors, seals them with
 * their checksums, and (for the converter) gathers all of that from a numpy
 * .npz. Every image is loaded back through the real loader before it is
 * handed out, so the writer can never produce a file the daemon refuses. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/errbuf.h"
#include "g2p/model_convert.h"
#include "g2p/g2p_limits.h"
#include "g2p/model.h"
#include "g2p/model_npz.h"

#define ALIGN64(n) (((n) + (uint64_t)63) & ~(uint64_t)63)

const char g2pm_g2p_en_graphemes[] =
    "<pad>\n<unk>\n</s>\na\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\nq\n"
    "r\ns\nt\nu\nv\nw\nx\ny\nz";

/* The specials, then data/arpabet.txt's symbols (g2p/arpabet.inc is made
 * from it by the build). */
const char g2pm_g2p_en_phonemes[] =
    "<pad>\n<unk>\n<s>\n</s>\n"
#include "g2p/arpabet.inc"
    ;


int g2pm_build_image(uint8_t **out, size_t *len, const g2pm_model_spec *spec,
                     char *err, size_t errlen) {
  *out = NULL;
  *len = 0;
  g2pm_header h;
  memset(&h, 0, sizeof h);
  if (spec->flags & ~G2PM_KNOWN_FLAGS)
    return err_set(err, errlen, G2P_EINVAL, "unknown flags 0x%x", spec->flags);
  /* the lowest version that has the file's flags */
  h.version = (spec->flags & G2PM_FLAG_INT4) ? 3 : spec->flags ? 2 : 1;
  h.header_bytes = G2PM_HEADER_BYTES;
  h.flags = spec->flags;
  h.arch = spec->arch;
  h.G = spec->G;
  h.P = spec->P;
  h.E = spec->E;
  h.H = spec->H;
  h.Ed = spec->Ed;
  h.D = spec->D;
  h.max_len = spec->max_len;
  g2pm_tensor_spec ts[G2PM_MAX_TENSORS];
  int n = g2pm_arch_tensors(&h, ts);
  if (n == 0)
    return err_set(err, errlen, G2P_EINVAL, "unknown architecture id %u",
                spec->arch);
  size_t name_len = spec->name ? strlen(spec->name) : 0;
  if (spec->graphemes_len > UINT32_MAX || spec->phonemes_len > UINT32_MAX ||
      name_len > G2PM_MAX_NAME_BYTES)
    return err_set(err, errlen, G2P_EINVAL, "symbol table or name too long");

  h.n_tensors = (uint32_t)n;
  uint64_t o = G2PM_HEADER_BYTES;
  h.dir_offset = o;
  o += (uint64_t)n * G2PM_DIRENT_BYTES;
  h.graphemes_offset = o;
  h.graphemes_bytes = (uint32_t)spec->graphemes_len;
  o += h.graphemes_bytes;
  h.phonemes_offset = o;
  h.phonemes_bytes = (uint32_t)spec->phonemes_len;
  o += h.phonemes_bytes;
  h.name_offset = o;
  h.name_bytes = (uint32_t)name_len;
  o += h.name_bytes;
  uint64_t toff[G2PM_MAX_TENSORS], tbytes[G2PM_MAX_TENSORS];
  for (int i = 0; i < n; i++) {
    o = ALIGN64(o);
    toff[i] = o;
    tbytes[i] = (uint64_t)ts[i].rows * (ts[i].cols ? ts[i].cols : 1) *
                (ts[i].dtype == G2PM_DTYPE_F32 ? 4 : 1);
    o += tbytes[i];
  }
  if (o > G2PM_MAX_FILE_BYTES)
    return err_set(err, errlen, G2P_EINVAL, "model of %llu bytes is too large",
                (unsigned long long)o);
  h.file_bytes = o;
  uint8_t *img = calloc(1, (size_t)o);
  if (!img)
    return err_set(err, errlen, G2P_ENOMEM, "out of memory (%llu bytes)",
                (unsigned long long)o);
  for (int i = 0; i < n; i++) {
    uint8_t *d = img + h.dir_offset + (uint64_t)i * G2PM_DIRENT_BYTES;
    snprintf((char *)d, G2PM_TENSOR_NAME_BYTES, "%s", ts[i].name);
    g2pm_wr32(d + 32, ts[i].dtype);
    g2pm_wr32(d + 36, ts[i].cols ? 2 : 1);
    g2pm_wr32(d + 40, ts[i].rows);
    g2pm_wr32(d + 44, ts[i].cols);
    g2pm_wr64(d + 48, toff[i]);
    g2pm_wr64(d + 56, tbytes[i]);
    if (!spec->tensor[i]) {
      free(img);
      return err_set(err, errlen, G2P_EINVAL, "tensor '%s' not given",
                  ts[i].name);
    }
    memcpy(img + toff[i], spec->tensor[i], (size_t)tbytes[i]);
  }
  memcpy(img + h.graphemes_offset, spec->graphemes, h.graphemes_bytes);
  memcpy(img + h.phonemes_offset, spec->phonemes, h.phonemes_bytes);
  if (name_len)
    memcpy(img + h.name_offset, spec->name, name_len);
  h.data_crc = g2pm_crc32c(0, img + G2PM_HEADER_BYTES,
                           (size_t)o - G2PM_HEADER_BYTES);
  g2pm_header_encode(img, &h);

  g2p_model *m;
  char why[256];
  int rc = g2p_model_open_mem(&m, img, (size_t)o,
                              h.flags ? "scalar-int8" : "scalar", why,
                              sizeof why);
  if (rc) {
    free(img);
    return err_set(err, errlen, rc, "the model would not load: %s", why);
  }
  g2p_model_close(m);
  *out = img;
  *len = (size_t)o;
  return 0;
}

int g2pm_write_file(const char *path, const uint8_t *img, size_t len,
                    char *err, size_t errlen) {
  size_t pl = strlen(path);
  char *tmp = malloc(pl + 8);
  if (!tmp)
    return err_set(err, errlen, G2P_ENOMEM, "out of memory");
  memcpy(tmp, path, pl);
  memcpy(tmp + pl, ".XXXXXX", 8);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    int e = errno;
    free(tmp);
    return err_set(err, errlen, G2P_EIO, "%s: %s", path, strerror(e));
  }
  size_t done = 0;
  while (done < len) {
    ssize_t w = write(fd, img + done, len - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      int e = errno;
      close(fd);
      unlink(tmp);
      free(tmp);
      return err_set(err, errlen, G2P_EIO, "%s: write: %s", path, strerror(e));
    }
    done += (size_t)w;
  }
  if (fchmod(fd, 0644) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
    int e = errno;
    unlink(tmp);
    free(tmp);
    return err_set(err, errlen, G2P_EIO, "%s: %s", path, strerror(e));
  }
  free(tmp);
  return 0;
}

/* ---- npz -> image ------------------------------------------------------ */

static const npz_array *need(const npz_file *z, const char *name, char *err,
                             size_t errlen) {
  const npz_array *a = npz_find(z, name);
  if (!a)
    err_set(err, errlen, G2P_EFORMAT, "the npz has no array '%s'", name);
  return a;
}

/* Copies a uint8 array as text (drops one trailing newline). */
static int npz_text(const npz_array *a, char *buf, size_t cap, size_t *len) {
  if (a->dtype != NPZ_U8 || a->count >= cap)
    return -1;
  size_t n = (size_t)a->count;
  memcpy(buf, a->data, n);
  if (n && buf[n - 1] == '\n')
    n--;
  buf[n] = '\0';
  if (strlen(buf) != n)
    return -1;
  *len = n;
  return 0;
}

static int npz_int(const npz_array *a, long long *v) {
  if (a->count != 1)
    return -1;
  if (a->dtype == NPZ_I32) {
    int32_t x;
    memcpy(&x, a->data, 4);
    *v = x;
    return 0;
  }
  if (a->dtype == NPZ_I64) {
    int64_t x;
    memcpy(&x, a->data, 8);
    *v = x;
    return 0;
  }
  return -1;
}

static uint32_t count_lines(const char *s, size_t n) {
  uint32_t c = 1;
  for (size_t i = 0; i < n; i++)
    c += s[i] == '\n';
  return c;
}

#define TEXT_MAX 65536

int g2pm_npz_to_image(uint8_t **out, size_t *len, const char *npz_path,
                      const g2pm_convert_opts *opts, char *err,
                      size_t errlen) {
  *out = NULL;
  *len = 0;
  npz_file z;
  char why[320];
  if (npz_open(&z, npz_path, why, sizeof why))
    return err_set(err, errlen, G2P_EFORMAT, "%s", why);
  int rc = G2P_EFORMAT;
  char *gtext = malloc(TEXT_MAX), *ptext = malloc(TEXT_MAX);
  char archname[32], name[G2PM_MAX_NAME_BYTES + 1];
  g2pm_model_spec spec;
  memset(&spec, 0, sizeof spec);
  if (!gtext || !ptext) {
    rc = err_set(err, errlen, G2P_ENOMEM, "out of memory");
    goto done;
  }

  const npz_array *a = npz_find(&z, "arch");
  if (a) {
    size_t n;
    if (npz_text(a, archname, sizeof archname, &n) ||
        !(spec.arch = g2pm_arch_id(archname))) {
      err_set(err, errlen, rc, "the npz's 'arch' array is not a known "
           "architecture name (g2p_en-gru, bigru-attn, bigru-attn-if)");
      goto done;
    }
  } else if (npz_find(&z, "enc_w_ih")) {
    spec.arch = G2PM_ARCH_GRU; /* g2p_en's checkpoint has no 'arch' */
  } else {
    err_set(err, errlen, rc, "the npz has neither an 'arch' array nor g2p_en's "
         "'enc_w_ih': not a model export");
    goto done;
  }

  const npz_array *emb, *whh, *demb, *dwhh;
  if (!(emb = need(&z, "enc_emb", err, errlen)) ||
      !(whh = need(&z, spec.arch == G2PM_ARCH_GRU ? "enc_w_hh" : "encf_w_hh",
                   err, errlen)) ||
      !(demb = need(&z, "dec_emb", err, errlen)) ||
      !(dwhh = need(&z, "dec_w_hh", err, errlen)))
    goto done;
  if (emb->ndim != 2 || whh->ndim != 2 || demb->ndim != 2 ||
      dwhh->ndim != 2 || emb->shape[0] > G2PM_MAX_SYMBOLS ||
      emb->shape[1] > G2PM_MAX_DIM || whh->shape[1] > G2PM_MAX_DIM ||
      demb->shape[0] > G2PM_MAX_SYMBOLS || demb->shape[1] > G2PM_MAX_DIM ||
      dwhh->shape[1] > G2PM_MAX_DIM) {
    err_set(err, errlen, rc, "embedding or recurrent matrices are not 2-D or "
         "exceed the format's limits (%d symbols, dimension %d)",
         G2PM_MAX_SYMBOLS, G2PM_MAX_DIM);
    goto done;
  }
  spec.G = (uint32_t)emb->shape[0];
  spec.E = (uint32_t)emb->shape[1];
  spec.H = (uint32_t)whh->shape[1];
  spec.P = (uint32_t)demb->shape[0];
  spec.Ed = (uint32_t)demb->shape[1];
  spec.D = (uint32_t)dwhh->shape[1];

  size_t n;
  if ((a = npz_find(&z, "graphemes"))) {
    if (npz_text(a, gtext, TEXT_MAX, &n)) {
      err_set(err, errlen, rc, "the npz's 'graphemes' is not uint8 text");
      goto done;
    }
    spec.graphemes_len = n;
  } else if (spec.arch == G2PM_ARCH_GRU) {
    spec.graphemes_len = strlen(g2pm_g2p_en_graphemes);
    memcpy(gtext, g2pm_g2p_en_graphemes, spec.graphemes_len + 1);
  } else {
    err_set(err, errlen, rc, "the npz has no 'graphemes' array");
    goto done;
  }
  if ((a = npz_find(&z, "phonemes"))) {
    if (npz_text(a, ptext, TEXT_MAX, &n)) {
      err_set(err, errlen, rc, "the npz's 'phonemes' is not uint8 text");
      goto done;
    }
    spec.phonemes_len = n;
  } else if (spec.arch == G2PM_ARCH_GRU) {
    spec.phonemes_len = strlen(g2pm_g2p_en_phonemes);
    memcpy(ptext, g2pm_g2p_en_phonemes, spec.phonemes_len + 1);
  } else {
    err_set(err, errlen, rc, "the npz has no 'phonemes' array");
    goto done;
  }
  spec.graphemes = gtext;
  spec.phonemes = ptext;
  uint32_t ng = count_lines(gtext, spec.graphemes_len);
  uint32_t np = count_lines(ptext, spec.phonemes_len);
  if (ng != spec.G || np != spec.P) {
    err_set(err, errlen, rc, "symbol tables hold %u graphemes and %u phonemes, "
         "but enc_emb has %u rows and dec_emb %u", ng, np, spec.G, spec.P);
    goto done;
  }

  long long ml = 0;
  if (opts && opts->max_len > 0)
    ml = opts->max_len;
  else if ((a = npz_find(&z, "max_len"))) {
    if (npz_int(a, &ml)) {
      err_set(err, errlen, rc, "the npz's 'max_len' is not one int32/int64");
      goto done;
    }
  } else if (spec.arch == G2PM_ARCH_GRU) {
    ml = 20; /* g2p_en's predict() loop */
  } else {
    err_set(err, errlen, rc, "the npz has no 'max_len'; pass --max-len");
    goto done;
  }
  if (ml < 1 || ml > G2PM_MAX_LEN_LIMIT) {
    err_set(err, errlen, rc, "max_len %lld out of range (1..%d)", ml,
         G2PM_MAX_LEN_LIMIT);
    goto done;
  }
  spec.max_len = (uint32_t)ml;

  if ((a = npz_find(&z, "reversed"))) { /* the trainer's --reverse export */
    long long rv = 0;
    if (npz_int(a, &rv) || (rv != 0 && rv != 1)) {
      err_set(err, errlen, rc, "the npz's 'reversed' is not one int 0 or 1");
      goto done;
    }
    if (rv) spec.flags |= G2PM_FLAG_REVERSED;
  }

  if (opts && opts->name) {
    snprintf(name, sizeof name, "%s", opts->name);
  } else if ((a = npz_find(&z, "name")) &&
             npz_text(a, name, sizeof name, &n) == 0) {
    /* the export names itself */
  } else {
    const char *b = strrchr(npz_path, '/');
    b = b ? b + 1 : npz_path;
    snprintf(name, sizeof name, "%s", b);
    char *dot = strrchr(name, '.');
    if (dot && dot != name && strcmp(dot, ".npz") == 0)
      *dot = '\0';
  }
  spec.name = name;

  g2pm_header h;
  memset(&h, 0, sizeof h);
  h.arch = spec.arch;
  h.G = spec.G, h.P = spec.P, h.E = spec.E, h.H = spec.H;
  h.Ed = spec.Ed, h.D = spec.D;
  g2pm_tensor_spec ts[G2PM_MAX_TENSORS];
  int nt = g2pm_arch_tensors(&h, ts);
  for (int i = 0; i < nt; i++) {
    const npz_array *t = need(&z, ts[i].name, err, errlen);
    if (!t)
      goto done;
    int want_ndim = ts[i].cols ? 2 : 1;
    if (t->dtype != NPZ_F32) {
      err_set(err, errlen, rc, "array '%s' is not float32", ts[i].name);
      goto done;
    }
    if (t->ndim != want_ndim || t->shape[0] != ts[i].rows ||
        (want_ndim == 2 && t->shape[1] != ts[i].cols)) {
      char got[96] = "", want[48];
      for (int d = 0; d < t->ndim; d++) {
        size_t gl = strlen(got);
        snprintf(got + gl, sizeof got - gl, "%s%llu", d ? ", " : "",
                 (unsigned long long)t->shape[d]);
      }
      if (want_ndim == 2)
        snprintf(want, sizeof want, "%u, %u", ts[i].rows, ts[i].cols);
      else
        snprintf(want, sizeof want, "%u", ts[i].rows);
      err_set(err, errlen, rc, "array '%s' has shape (%s), %s needs (%s)",
           ts[i].name, got, g2pm_arch_name(spec.arch), want);
      goto done;
    }
    /* .npy data is only guaranteed 1-byte aligned inside the zip; the
     * writer memcpy's it, so alignment does not matter here. */
    spec.tensor[i] = t->data;
  }
  rc = g2pm_build_image(out, len, &spec, err, errlen);
done:
  free(gtext);
  free(ptext);
  npz_close(&z);
  return rc;
}
