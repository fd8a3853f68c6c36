/* model_npz.h -- a reader for numpy .npz files (a zip of .npy arrays), just
 * enough for the model converter: stored (uncompressed) entries only,
 * C-order arrays of float32, int32/int64 and bytes. The whole file is
 * read into memory and every offset in it is checked before use. */
#ifndef RNNINFERD_G2P_MODEL_NPZ_H
#define RNNINFERD_G2P_MODEL_NPZ_H

#include <stddef.h>
#include <stdint.h>

#define NPZ_MAX_ENTRIES 64
#define NPZ_MAX_NDIM 4

enum npz_dtype { NPZ_F32 = 1, NPZ_I32, NPZ_I64, NPZ_U8 };

typedef struct npz_array {
  char name[64];          /* entry name without ".npy" */
  enum npz_dtype dtype;
  int ndim;
  uint64_t shape[NPZ_MAX_NDIM];
  uint64_t count;         /* product of shape */
  const uint8_t *data;    /* count * item size bytes, inside the file's image */
} npz_array;

typedef struct npz_file {
  const uint8_t *map;
  size_t size;
  int n;
  npz_array a[NPZ_MAX_ENTRIES];
} npz_file;

/* Maps and indexes path. Returns 0, or -1 with a message in err. */
int npz_open(npz_file *z, const char *path, char *err, size_t errlen);
/* Indexes an npz image already in memory (not copied; must outlive z). */
int npz_parse(npz_file *z, const uint8_t *buf, size_t size, char *err,
              size_t errlen);
void npz_close(npz_file *z);
const npz_array *npz_find(const npz_file *z, const char *name);

#endif
