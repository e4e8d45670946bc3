#ifndef NTM_PREFETCH_H
#define NTM_PREFETCH_H

// Hints that bring cache lines in ahead of use, without waiting for them: they never fault and change no number.
// Swift has no prefetch of its own; this header gives the engine the compiler's.

/// The cache line at `p`, to be read.
static inline void ntm_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/// Every cache line of the `bytes` bytes at `p`, to be read (none when `bytes` is 0). Up to 192 bytes (a row of
/// the engine's tables) without a loop: the first byte, the last, and every 64 bytes between.
static inline void ntm_prefetch_bytes(const void *p, long bytes) {
    if (bytes <= 0) return;
    const char *c = (const char *)p;
    if (bytes <= 192) {
        __builtin_prefetch(c, 0, 3);
        if (bytes > 64) __builtin_prefetch(c + 64, 0, 3);
        if (bytes > 128) __builtin_prefetch(c + 128, 0, 3);
        __builtin_prefetch(c + bytes - 1, 0, 3);
        return;
    }
    for (long off = 0; off < bytes; off += 64) __builtin_prefetch(c + off, 0, 3);
    __builtin_prefetch(c + bytes - 1, 0, 3);
}

/// The lines of a row of at most 192 bytes at `p`, without a branch: its first byte, and `second`, `mid` and `last`
/// bytes on, with `second` = min(64, bytes − 1), `mid` = min(128, bytes − 1) and `last` = bytes − 1 worked out
/// once by the caller (a row of up to 128 bytes asks for a line twice). The same lines as
/// `ntm_prefetch_bytes(p, bytes)`.
static inline void ntm_prefetch_row(const void *p, long second, long mid, long last) {
    const char *c = (const char *)p;
    __builtin_prefetch(c, 0, 3);
    __builtin_prefetch(c + second, 0, 3);
    __builtin_prefetch(c + mid, 0, 3);
    __builtin_prefetch(c + last, 0, 3);
}

#endif
