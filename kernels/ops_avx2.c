/* ops_avx2.c -- the AVX2 + FMA table (not yet part of this build). */
#include "kernels/kernels.h"

const kern_ops *kern_ops_avx2(void) { return NULL; }
