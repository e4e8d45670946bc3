// The noise kernel of the engine's pass 2 (see include/CNormals.h). Swift does not import the AVX2 gather
// intrinsics (they are macros), so this one step is C.
#include "CNormals.h"

#define GOLDEN 0x9E3779B97F4A7C15ULL
#define M1 0xBF58476D1CE4E5B9ULL
#define M2 0x94D049BB133111EBULL

#if defined(__AVX2__)
#include <immintrin.h>

// Low 64 bits of a × b in each 64-bit lane (AVX2 has only 32 × 32 → 64 multiplies).
static inline __m256i mul64(__m256i a, __m256i b) {
    __m256i lo = _mm256_mul_epu32(a, b);
    __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), b),
                                     _mm256_mul_epu32(a, _mm256_srli_epi64(b, 32)));
    return _mm256_add_epi64(lo, _mm256_slli_epi64(cross, 32));
}

// CounterRNG.mix on four lanes.
static inline __m256i mix4(__m256i x) {
    __m256i z = _mm256_add_epi64(x, _mm256_set1_epi64x((long long)GOLDEN));
    z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), _mm256_set1_epi64x((long long)M1));
    z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), _mm256_set1_epi64x((long long)M2));
    return _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
}

void ntm_normals20(uint64_t key, const float *table, float *out) {
    // bits(key, j) = mix(key ^ (j + 1) × GOLDEN), j = 0 … 3.
    __m256i index = _mm256_set_epi64x((long long)(4 * GOLDEN), (long long)(3 * GOLDEN),
                                      (long long)(2 * GOLDEN), (long long)(1 * GOLDEN));
    __m256i h = mix4(_mm256_xor_si256(_mm256_set1_epi64x((long long)key), index));
    __m256i field = _mm256_set1_epi64x(0xFFF);
    // Normal i is field i % 5 of hash i / 5: four at a time, each lane takes its hash (as two 32-bit halves)
    // and its shift.
    for (int q = 0; q < 5; q++) {
        int i0 = 4 * q;
        __m256i perm = _mm256_set_epi32(2 * ((i0 + 3) / 5) + 1, 2 * ((i0 + 3) / 5), 2 * ((i0 + 2) / 5) + 1, 2 * ((i0 + 2) / 5),
                                        2 * ((i0 + 1) / 5) + 1, 2 * ((i0 + 1) / 5), 2 * (i0 / 5) + 1, 2 * (i0 / 5));
        __m256i shift = _mm256_set_epi64x(12 * ((i0 + 3) % 5), 12 * ((i0 + 2) % 5), 12 * ((i0 + 1) % 5), 12 * (i0 % 5));
        __m256i idx = _mm256_and_si256(_mm256_srlv_epi64(_mm256_permutevar8x32_epi32(h, perm), shift), field);
        _mm_storeu_ps(out + i0, _mm256_i64gather_ps(table, idx, 4));
    }
}

#else

static inline uint64_t mix(uint64_t x) {
    uint64_t z = x + GOLDEN;
    z = (z ^ (z >> 30)) * M1;
    z = (z ^ (z >> 27)) * M2;
    return z ^ (z >> 31);
}

void ntm_normals20(uint64_t key, const float *table, float *out) {
    for (int j = 0; j < 4; j++) {
        uint64_t h = mix(key ^ ((uint64_t)(j + 1) * GOLDEN));
        for (int f = 0; f < 5; f++) out[5 * j + f] = table[(h >> (12 * f)) & 0xFFF];
    }
}

#endif
