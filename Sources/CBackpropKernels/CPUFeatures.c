#include "CBackpropKernels.h"

#if defined(__x86_64__)
#include <cpuid.h>

/// XCR0, the state components the OS saves on a context switch (XGETBV with
/// ECX = 0). Only valid when CPUID reports OSXSAVE.
static unsigned long long read_xcr0(void) {
  unsigned eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((unsigned long long)edx << 32) | eax;
}

unsigned bp_simd_features(void) {
  unsigned eax, ebx, ecx, edx;
  unsigned features = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
  if (edx & bit_SSE2) features |= BP_SIMD_SSE2;

  // The CPU having AVX is not enough: the OS must save the YMM registers
  // (XCR0 bits 1 SSE and 2 AVX), and for AVX-512 also the opmask and ZMM
  // registers (bits 5, 6, 7). OSXSAVE says XGETBV may be executed at all.
  int ymm = 0, zmm = 0;
  if (ecx & bit_OSXSAVE) {
    unsigned long long xcr0 = read_xcr0();
    ymm = (xcr0 & 0x06) == 0x06;
    zmm = (xcr0 & 0xe6) == 0xe6;
  }
  if (ymm && (ecx & bit_AVX)) features |= BP_SIMD_AVX;
  if (ymm && (ecx & bit_FMA)) features |= BP_SIMD_FMA;

  if (__get_cpuid_max(0, 0) >= 7) {
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    if (ymm && (ebx & bit_AVX2)) features |= BP_SIMD_AVX2;
    if (zmm && (ebx & bit_AVX512F)) features |= BP_SIMD_AVX512F;
    if (zmm && (ebx & bit_AVX512DQ)) features |= BP_SIMD_AVX512DQ;
    if (zmm && (ebx & bit_AVX512BW)) features |= BP_SIMD_AVX512BW;
    if (zmm && (ebx & bit_AVX512VL)) features |= BP_SIMD_AVX512VL;
  }
  return features;
}

#else

unsigned bp_simd_features(void) { return 0; }

#endif
