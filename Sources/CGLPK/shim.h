#ifndef NTM_CGLPK_SHIM_H
#define NTM_CGLPK_SHIM_H
#include <glpk.h>
#endif
