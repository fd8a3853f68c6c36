/* select.c -- CPU detection and the choice of a kernel table.
 *
 * The choice is made once (at model load) and the table is used for the
 * life of the process, so the hot path never asks which ISA it runs on.
 * Precedence: an explicit name from the caller (a flag), else the
 * RNNINFERD_KERNEL environment variable, else the best table this CPU runs.
 * Asking for a table the CPU cannot run is an error, not a silent
 * fallback: a benchmark or a test that asked for avx512 must not quietly
 * measure something else.
 *
 * The int8 tables ("scalar-int8", "avx2-int8", "avx512-int8") are named
 * like the fp32 ones; avx512-int8 needs VNNI (vpdpbusd) on top of the
 * AVX-512 table's set, and a CPU with AVX-512 but without VNNI gets
 * avx2-int8 from "auto". amx-int8 (avx512-int8 with an AMX matmat) needs
 * AMX-TILE and AMX-INT8 too, and the kernel's permission to use the tile
 * state, which Linux grants per process on request: asking is part of
 * "supported", so a process whose request fails (another OS, a kernel
 * without AMX support, a too small signal stack) gets avx512-int8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "kernels/kernels.h"

static const char *const known[] = {"scalar",      "avx2",      "avx512",
                                    "scalar-int8", "avx2-int8", "avx512-int8",
                                    "amx-int8"};

/* AMX-TILE and AMX-INT8: CPUID leaf 7, EDX bits 24 and 25 (read directly:
 * not every compiler's __builtin_cpu_supports knows the names). */
static int cpu_has_amx_int8(void) {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
    return 0;
  return (d >> 24 & 1) && (d >> 25 & 1);
#else
  return 0;
#endif
}

/* Linux's permission for the AMX tile data (XFEATURE_XTILEDATA = 18):
 * requested once, the answer kept. */
static int amx_permitted(void) {
#if defined(__linux__) && defined(__x86_64__) && defined(SYS_arch_prctl)
  static int answer = -1; /* racy but idempotent: the request is too */
  if (answer < 0)
    answer = syscall(SYS_arch_prctl, 0x1023 /* ARCH_REQ_XCOMP_PERM */, 18) == 0;
  return answer;
#else
  return 0;
#endif
}

int kern_cpu_supports(const char *name) {
  if (!name)
    return 0;
  if (strcmp(name, "scalar") == 0 || strcmp(name, "scalar-int8") == 0)
    return 1;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (strcmp(name, "avx2") == 0 || strcmp(name, "avx2-int8") == 0)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (strcmp(name, "avx512-int8") == 0)
    return kern_cpu_supports("avx512") && __builtin_cpu_supports("avx512vnni");
  if (strcmp(name, "amx-int8") == 0)
    return kern_cpu_supports("avx512-int8") && cpu_has_amx_int8() &&
           amx_permitted();
  if (strcmp(name, "avx512") == 0)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
#endif
  return 0;
}

static const kern_ops *table_by_name(const char *name) {
  if (strcmp(name, "scalar") == 0)
    return kern_ops_scalar();
  if (strcmp(name, "avx2") == 0)
    return kern_ops_avx2();
  if (strcmp(name, "avx512") == 0)
    return kern_ops_avx512();
  if (strcmp(name, "scalar-int8") == 0)
    return kern_ops_scalar_int8();
  if (strcmp(name, "avx2-int8") == 0)
    return kern_ops_avx2_int8();
  if (strcmp(name, "avx512-int8") == 0)
    return kern_ops_avx512_int8();
  if (strcmp(name, "amx-int8") == 0)
    return kern_ops_amx_int8();
  return NULL;
}

static int is_known(const char *name) {
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (strcmp(name, known[i]) == 0)
      return 1;
  return 0;
}

const kern_ops *kern_select(const char *want, char *err, size_t errlen) {
  return kern_select_for(want, 0, err, errlen);
}

const kern_ops *kern_select_for(const char *want, int int8, char *err,
                                size_t errlen) {
  const char *source = "requested";
  if (!want || !*want || strcmp(want, "auto") == 0) {
    want = getenv("RNNINFERD_KERNEL");
    source = "RNNINFERD_KERNEL";
  }
  if (!want || !*want || strcmp(want, "auto") == 0) {
    if (int8) {
      if (kern_cpu_supports("amx-int8"))
        return kern_ops_amx_int8();
      if (kern_cpu_supports("avx512-int8"))
        return kern_ops_avx512_int8();
      if (kern_cpu_supports("avx2-int8"))
        return kern_ops_avx2_int8();
      return kern_ops_scalar_int8();
    }
    if (kern_cpu_supports("avx512") && kern_ops_avx512())
      return kern_ops_avx512();
    if (kern_cpu_supports("avx2") && kern_ops_avx2())
      return kern_ops_avx2();
    return kern_ops_scalar();
  }
  if (!is_known(want)) {
    if (err && errlen)
      snprintf(err, errlen,
               "%s kernel '%.32s' is unknown (choose scalar, avx2, avx512, "
               "scalar-int8, avx2-int8, avx512-int8, amx-int8 or auto)",
               source, want);
    return NULL;
  }
  const kern_ops *ops = table_by_name(want);
  if (!ops) {
    if (err && errlen)
      snprintf(err, errlen, "%s kernel '%s' is not compiled into this build",
               source, want);
    return NULL;
  }
  if (!kern_cpu_supports(want)) {
    if (err && errlen)
      snprintf(err, errlen, "%s kernel '%s' is not supported by this CPU",
               source, want);
    return NULL;
  }
  return ops;
}
