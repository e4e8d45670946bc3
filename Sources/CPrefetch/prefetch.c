// The module is its header (`include/ntm_prefetch.h`); a C target needs one source file.
#include "ntm_prefetch.h"
