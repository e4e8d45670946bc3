#ifndef NTM_COPENBLAS_SHIM_H
#define NTM_COPENBLAS_SHIM_H
#include <cblas.h>
#include <stddef.h>
// Declared by OpenBLAS; callers that parallelise themselves keep BLAS single-threaded.
void openblas_set_num_threads(int num_threads);
// LAPACK's Cholesky factorisation and the inverse from it, as OpenBLAS exports them (Fortran calling
// convention: arguments by reference, column-major, and the hidden length of the character argument).
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);
#endif
