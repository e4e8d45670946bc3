#ifndef NTM_PREFETCH_H
#define NTM_PREFETCH_H

/// Asks for the cache line at `p` to be brought into cache, for reading, without waiting for it (a hint: it never
/// faults and changes no number). Swift has no prefetch of its own; this header gives the engine the compiler's.
static inline void ntm_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#endif
