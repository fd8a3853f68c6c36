/* ops_avx512.c -- the AVX-512 table (not yet part of this build). */
#include "kernels/kernels.h"

const kern_ops *kern_ops_avx512(void) { return NULL; }
