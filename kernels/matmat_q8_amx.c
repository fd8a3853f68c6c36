/* matmat_q8_amx.c -- int8 Y = W X + b for a batch of vectors, AMX.
 *
 * Why: batched decoding (worker batching, beams) multiplies every weight
 * matrix by up to 16 vectors at once, and the AVX-512 VNNI matmat already
 * runs at vpdpbusd's throughput (64 multiply-adds an instruction). An AMX
 * tdpbusd multiplies a 16 x 64-byte tile of quantized vectors by a 16-quad
 * x 16-row tile of weights (16,384 multiply-adds), so the batch stops
 * being bound by the vector units.
 *
 * Same packed layout as every int8 table (kernels_impl.h): in a 64-row
 * super-panel, column quad k holds w rows x 4 bytes, so the weight tile of
 * rows 16g..16g+15 and quads k0..k0+15 is 16 rows of 64 bytes at a stride
 * of w * 4 bytes -- a tileloadd straight from the packed matrix. The
 * vectors are quantized as the VNNI matvec does (x + 128, unsigned) into
 * rows of a stack buffer padded with zero bytes to a multiple of 64, and
 * the surplus 128 * sum_c w is taken back with the stored row sums. A
 * last partial block of quads is copied to a zero-padded buffer first (the
 * tile would read past the panel). The int32 sums are exact, the
 * dequantization is the VNNI table's two float operations (built with
 * -ffp-contract=off), so the result equals scalar-int8 bit for bit.
 *
 * One vector takes the VNNI matvec (a tile would be 1/16 used). Tiles are
 * released before returning, so a thread not inside a matmat has no AMX
 * state to save on a context switch. The process must have been granted
 * AMX by the kernel first (kern_cpu_supports("amx-int8") asks). Needs
 * AMX-TILE, AMX-INT8 and the avx512-int8 table's set. */
#include <immintrin.h>
#include <string.h>

#include "kernels/kernels.h"
#include "kernels/kernels_impl.h"

/* Quantized vectors per pass over W: up to 16 (the rows of a tile), as
 * many as fit XBYTES at the padded length. */
#define XBYTES (32 * 1024)
#define PASS_MAX 16

/* ldtilecfg's 64-byte operand, palette 1. */
typedef struct tilecfg {
  uint8_t palette, start_row;
  uint8_t reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
} tilecfg;

/* Tiles: 0-3 the int32 sums of rows 16g.. (g < w / 16), 4 the vectors'
 * block of 16 quads, 5 and 6 weight blocks in turn. */
static void configure(int nv) {
  tilecfg c;
  memset(&c, 0, sizeof c);
  c.palette = 1;
  for (int t = 0; t < 5; t++) {
    c.rows[t] = (uint8_t)nv;
    c.colsb[t] = 64;
  }
  for (int t = 5; t < 7; t++) {
    c.rows[t] = 16;
    c.colsb[t] = 64;
  }
  _tile_loadconfig(&c);
}

/* One super-panel P of width w against the nv quantized vectors in xbuf
 * (rows of xs bytes, nkb blocks of 64). */
static void super_panel(const int8_t *P, int w, int nq, const uint8_t *xbuf,
                        int xs, int nkb, int nv, const int32_t *sum128,
                        const float *mul, const float *b, float *Y, int ldy,
                        int nrows) {
  _Alignas(64) int32_t acc[PASS_MAX][KERN_Q8_PANEL];
  _Alignas(64) int8_t tail[16 * KERN_Q8_PANEL * 4];
  int ng = w / 16;
  size_t bs = (size_t)w * 4;
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  for (int kb = 0; kb < nkb; kb++) {
    const int8_t *B = P + (size_t)kb * 16 * bs;
    if (16 * kb + 16 > nq) {
      int rem = nq - 16 * kb;
      memset(tail, 0, sizeof tail);
      memcpy(tail, B, (size_t)rem * bs);
      B = tail;
    }
    _tile_loadd(4, xbuf + 64 * kb, xs);
    _tile_loadd(5, B, bs);
    _tile_dpbusd(0, 4, 5);
    if (ng > 1) {
      _tile_loadd(6, B + 64, bs);
      _tile_dpbusd(1, 4, 6);
    }
    if (ng > 2) {
      _tile_loadd(5, B + 128, bs);
      _tile_dpbusd(2, 4, 5);
    }
    if (ng > 3) {
      _tile_loadd(6, B + 192, bs);
      _tile_dpbusd(3, 4, 6);
    }
  }
  _tile_stored(0, &acc[0][0], sizeof acc[0]);
  if (ng > 1)
    _tile_stored(1, &acc[0][16], sizeof acc[0]);
  if (ng > 2)
    _tile_stored(2, &acc[0][32], sizeof acc[0]);
  if (ng > 3)
    _tile_stored(3, &acc[0][48], sizeof acc[0]);
  for (int j = 0; j < ng; j++) {
    int left = nrows - 16 * j;
    if (left <= 0)
      break;
    __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
    __m512i s = _mm512_loadu_si512(sum128 + 16 * j);
    __m512 mj = _mm512_loadu_ps(mul + 16 * j);
    __m512 bj = b ? _mm512_maskz_loadu_ps(m, b + 16 * j) : _mm512_setzero_ps();
    for (int i = 0; i < nv; i++) {
      __m512i a = _mm512_sub_epi32(_mm512_load_si512(&acc[i][16 * j]), s);
      __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(a), mj);
      if (b)
        f = _mm512_add_ps(f, bj);
      _mm512_mask_storeu_ps(Y + (size_t)i * (size_t)ldy + 16 * j, m, f);
    }
  }
}

void kern_matmat_q8_amx(const float *Wp, const float *b, const float *X,
                        float *Y, int rows, int cols, int nb) {
  if (nb == 1) {
    kern_matvec_q8_avx512(Wp, b, X, Y, rows, cols);
    return;
  }
  kern_q8_view v = kern_q8_view_of(Wp, rows, cols);
  _Alignas(64) uint8_t xbuf[XBYTES];
  int nq = v.cp / 4, xs = (v.cp + 63) / 64 * 64, nkb = xs / 64;
  int pass = XBYTES / xs;
  pass = pass < PASS_MAX ? pass : PASS_MAX;
  int npass = (nb + pass - 1) / pass;
  for (int g0 = 0, pi = 0; g0 < nb; pi++) {
    int nv = (nb - g0 + (npass - pi) - 1) / (npass - pi); /* even passes */
    for (int i = 0; i < nv; i++) {
      uint8_t *d = xbuf + (size_t)i * (size_t)xs;
      kern_q8_quantize_act_avx512(X + (size_t)(g0 + i) * (size_t)cols, cols, d);
      memset(d + v.cp, 0, (size_t)(xs - v.cp));
    }
    configure(nv);
    size_t off = 0;
    int w;
    for (int r0 = 0; r0 < rows; r0 += w) {
      w = v.rp - r0 >= KERN_Q8_PANEL ? KERN_Q8_PANEL : v.rp - r0;
      int nrows = rows - r0 < w ? rows - r0 : w;
      super_panel(v.panels + off, w, nq, xbuf, xs, nkb, nv, v.sum128 + r0,
                  v.mul + r0, b ? b + r0 : NULL,
                  Y + (size_t)g0 * (size_t)rows + r0, rows, nrows);
      off += (size_t)w * (size_t)v.cp;
    }
    _tile_release();
    g0 += nv;
  }
}
