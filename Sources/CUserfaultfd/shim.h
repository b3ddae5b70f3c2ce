// Linux's userfaultfd(2), reached through syscall(2) and ioctl(2), which are variadic and so not
// callable from Swift. Used for one thing: registering code mappings for write-protect tracking
// (asynchronous, so no fault is ever delivered to the process), which turns off the kernel's
// fault-around for them (mm/memory.c, should_fault_around).
#pragma once
#include <errno.h>
#include <stdint.h>
#if defined(__linux__)
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

// Newer than some distributions' kernel headers (Linux 5.11 and 6.7).
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

/// A userfaultfd whose write-protect faults the kernel resolves itself (UFFD_FEATURE_WP_ASYNC,
/// Linux 6.7), handling user-mode faults only (allowed without privileges since Linux 5.11).
/// The descriptor, or -errno.
static inline int cuffd_open_async_wp(void) {
#ifdef SYS_userfaultfd
  int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
  if (fd < 0) return -errno;
  struct uffdio_api api = {.api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC};
  if (ioctl(fd, UFFDIO_API, &api) != 0) {
    int error = errno;
    close(fd);
    return -error;
  }
  return fd;
#else
  return -ENOSYS;
#endif
}

/// Registers [start, start + length) of `fd` for write-protect tracking. 0, or -errno.
static inline int cuffd_register_wp(int fd, uintptr_t start, uint64_t length) {
  struct uffdio_register reg = {.range = {.start = start, .len = length}, .mode = UFFDIO_REGISTER_MODE_WP};
  return ioctl(fd, UFFDIO_REGISTER, &reg) == 0 ? 0 : -errno;
}
#else
static inline int cuffd_open_async_wp(void) { return -ENOSYS; }
static inline int cuffd_register_wp(int fd, uintptr_t start, uint64_t length) { return -ENOSYS; }
#endif
