#ifndef CNORMALS_H
#define CNORMALS_H

#include <stdint.h>

/// The first twenty standard normals under `key`, as CounterRNG.normal(key, i) draws them (i = 0 … 19): four
/// SplitMix64 hashes, bits(key, 0 … 3), five 12-bit fields each, looked up in `table` (4,096 quantiles).
/// Written to out[0 … 19]. The same numbers as the Swift code, bit for bit; with AVX2 the four hashes are one
/// vector and the lookups are gathers.
void ntm_normals20(uint64_t key, const float *table, float *out);

#endif
