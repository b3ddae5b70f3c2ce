#ifndef CBUILDINFO_H
#define CBUILDINFO_H

/// The git commit the binaries were built from ("unknown" without git information), with
/// "+uncommitted" when the checkout had changes; set by Package.swift.
const char *clusterpool_git_commit(void);

#endif
