#ifndef NTM_COPENBLAS_SHIM_H
#define NTM_COPENBLAS_SHIM_H
#include <cblas.h>
// Declared by OpenBLAS; the engine parallelises across draws itself, so BLAS runs single-threaded.
void openblas_set_num_threads(int num_threads);
#endif
