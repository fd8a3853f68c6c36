/* g2p-convert -- turns a numpy .npz of model weights into a model file.
 *
 * Two sources: g2p_en 2.0's checkpoint20.npz (architecture "g2p_en-gru";
 * it carries no symbol tables, so g2p_en's built-in ones are used, and its
 * decode cap is 20) and the project trainer's export ("bigru-attn" or
 * "bigru-attn-if", with its own 'arch', 'graphemes', 'phonemes' and
 * 'max_len' arrays). Written in
 * C so that importing a model needs no Python. The output is loaded back
 * before it is renamed into place. With --quantize int8 the weight
 * matrices are stored as int8 with per-row scales (format version 2); with
 * --quantize int4, the same but the recurrent matrices in 4 bits (version
 * 3); the input may then also be an fp32 model file.
 *
 *   g2p-convert [--name NAME] [--max-len N] [--quantize int8|int4] -o OUT.g2pm
 *               IN.npz|IN.g2pm
 *   g2p-convert --check FILE.g2pm      (validate a model file, print it) */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "g2p/model.h"
#include "g2p/model_convert.h"

static void usage(FILE *f) {
  fprintf(f, "usage: g2p-convert [--name NAME] [--max-len N] [--quantize int8|int4] "
             "-o OUT.g2pm\n"
             "                   IN.npz|IN.g2pm\n"
             "       g2p-convert --check FILE.g2pm\n"
             "  --name NAME   model name stored in the file (default: the "
             "npz's\n"
             "                'name' array, else its file name)\n"
             "  --max-len N   phonemes decoded at most (default: the npz's "
             "'max_len',\n"
             "                else 20 for g2p_en)\n"
             "  --quantize int8  store the weight matrices as int8 with "
             "per-row scales\n"
             "                (an .g2pm input must be given this; "
             "--max-len applies to npz)\n"
             "  --quantize int4  the same, with the recurrent matrices (W_hh) "
             "in 4 bits\n"
             "  -o FILE       output model file\n"
             "  --check FILE  validate a model file and print what it holds\n");
}

/* Reads a whole (model) file into memory. */
static int read_file(const char *path, uint8_t **img, size_t *len) {
  FILE *f = fopen(path, "rb");
  long n = -1;
  if (f && fseek(f, 0, SEEK_END) == 0)
    n = ftell(f);
  if (!f || n < 0 || (uint64_t)n > G2PM_MAX_FILE_BYTES ||
      fseek(f, 0, SEEK_SET) != 0) {
    fprintf(stderr, "g2p-convert: cannot read %s\n", path);
    if (f)
      fclose(f);
    return -1;
  }
  *img = malloc(n ? (size_t)n : 1);
  if (!*img || fread(*img, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "g2p-convert: cannot read %s\n", path);
    free(*img);
    fclose(f);
    return -1;
  }
  fclose(f);
  *len = (size_t)n;
  return 0;
}

/* Loads path back (scalar kernel) and prints its identity. */
static int describe(const char *path, size_t len) {
  g2p_model *m;
  char err[512];
  if (g2p_model_open_ex(&m, path, "scalar", err, sizeof err)) {
    fprintf(stderr, "g2p-convert: %s does not load: %s\n", path, err);
    return 1;
  }
  printf("%s: model '%s', architecture %s, %d phonemes, max_len %d, ",
         path, g2p_model_name(m), g2p_model_arch(m),
         g2p_model_num_phonemes(m), g2p_model_max_len(m));
  if (len)
    printf("%zu bytes, ", len);
  printf("checksum %08x, weights %s%s\n", g2p_model_checksum(m),
         g2p_model_weights_int4(m)   ? "int8, 4-bit recurrent"
         : g2p_model_weights_int8(m) ? "int8"
                                     : "fp32",
         g2p_model_reversed(m) ? ", right to left" : "");
  g2p_model_close(m);
  return 0;
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {
      {"name", required_argument, NULL, 'n'},
      {"max-len", required_argument, NULL, 'm'},
      {"output", required_argument, NULL, 'o'},
      {"check", required_argument, NULL, 'c'},
      {"quantize", required_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  g2pm_convert_opts opts = {NULL, 0};
  const char *outpath = NULL, *check = NULL;
  int quantize = 0;
  int c;
  while ((c = getopt_long(argc, argv, "n:m:o:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'n':
      opts.name = optarg;
      break;
    case 'm': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*end || v < 1 || v > G2PM_MAX_LEN_LIMIT) {
        fprintf(stderr, "g2p-convert: --max-len must be 1..%d\n",
                G2PM_MAX_LEN_LIMIT);
        return 2;
      }
      opts.max_len = (int)v;
      break;
    }
    case 'o':
      outpath = optarg;
      break;
    case 'c':
      check = optarg;
      break;
    case 'q':
      if (strcmp(optarg, "int8") != 0 && strcmp(optarg, "int4") != 0) {
        fprintf(stderr, "g2p-convert: --quantize takes int8 or int4 (got '%s')\n",
                optarg);
        return 2;
      }
      quantize = strcmp(optarg, "int4") == 0 ? 4 : 8;
      break;
    case 'h':
      usage(stdout);
      return 0;
    default:
      usage(stderr);
      return 2;
    }
  }
  if (check)
    return optind == argc ? describe(check, 0) : (usage(stderr), 2);
  if (!outpath || optind != argc - 1) {
    usage(stderr);
    return 2;
  }
  const char *in = argv[optind];
  uint8_t *img;
  size_t len;
  char err[512];
  int is_model = 0;
  FILE *f = fopen(in, "rb");
  if (f) {
    char magic[G2PM_MAGIC_BYTES];
    is_model = fread(magic, 1, sizeof magic, f) == sizeof magic &&
               memcmp(magic, G2PM_MAGIC, G2PM_MAGIC_BYTES) == 0;
    fclose(f);
  }
  if (is_model) {
    if (!quantize) {
      fprintf(stderr, "g2p-convert: %s is a model file already; give "
                      "--quantize int8 or int4 to quantize it\n", in);
      return 2;
    }
    if (read_file(in, &img, &len))
      return 1;
  } else if (g2pm_npz_to_image(&img, &len, in, &opts, err, sizeof err)) {
    fprintf(stderr, "g2p-convert: %s\n", err);
    return 1;
  }
  if (quantize) {
    uint8_t *q;
    size_t qlen;
    int rc = g2pm_quantize_image_ex(&q, &qlen, img, len,
                                    is_model ? opts.name : NULL, quantize == 4,
                                    err, sizeof err);
    free(img);
    if (rc) {
      fprintf(stderr, "g2p-convert: %s: %s\n", in, err);
      return 1;
    }
    img = q;
    len = qlen;
  }
  if (g2pm_write_file(outpath, img, len, err, sizeof err)) {
    fprintf(stderr, "g2p-convert: %s\n", err);
    free(img);
    return 1;
  }
  free(img);
  return describe(outpath, len);
}
