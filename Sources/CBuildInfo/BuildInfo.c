#include "CBuildInfo.h"

#ifndef CLUSTERPOOL_GIT_COMMIT
#define CLUSTERPOOL_GIT_COMMIT "unknown"
#endif

const char *clusterpool_git_commit(void) { return CLUSTERPOOL_GIT_COMMIT; }
