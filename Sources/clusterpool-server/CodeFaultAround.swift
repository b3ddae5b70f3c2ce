#if canImport(Glibc)
  import Glibc
  internal import CUserfaultfd
#endif

/// Turns off the kernel's fault-around for the server's code once the start is over.
///
/// A page fault on a file mapping maps, besides the page, its neighbours already in the page
/// cache, up to 64 KiB (fault-around): a first call on a fresh connection mapped 6-7.5 MiB of
/// the binary's code back into the process to run well under 1 MiB of it. Linux does no
/// fault-around in a mapping registered with a userfaultfd for write-protect tracking
/// (mm/memory.c, `should_fault_around`). The registration here is asynchronous
/// (`UFFD_FEATURE_WP_ASYNC`, Linux 6.7): the kernel resolves a write fault itself and the
/// process never receives one (nothing writes to code anyway), and user-mode only
/// (`UFFD_USER_MODE_ONLY`), which needs no privilege. Where the kernel refuses (older than 6.7,
/// userfaultfd filtered by a seccomp profile), nothing changes but the RSS.
///
/// The descriptor stays open for the life of the process: closing it would end the
/// registrations.
enum CodeFaultAround {
  /// What ``turnOff(for:)`` did.
  enum Outcome: Equatable, Sendable {
    /// Registered this many mappings.
    case off(mappings: Int)
    /// The kernel refused the descriptor: `reason` names the call and its error.
    case kept(reason: String)
  }

  /// Registers each mapping (read-only private file mappings: code and read-only data) for
  /// asynchronous write-protect tracking. A mapping the kernel refuses keeps its fault-around.
  static func turnOff(for mappings: [StartupPages.Mapping]) -> Outcome {
    #if canImport(Glibc)
      let fd = cuffd_open_async_wp()
      guard fd >= 0 else { return .kept(reason: "userfaultfd: \(String(cString: strerror(-fd)))") }
      var registered = 0
      for mapping in mappings where cuffd_register_wp(fd, mapping.start, UInt64(mapping.end - mapping.start)) == 0 {
        registered += 1
      }
      if registered == 0 {
        close(fd)
        return .kept(reason: "no mapping could be registered")
      }
      return .off(mappings: registered)
    #else
      return .kept(reason: "not Linux")
    #endif
  }
}
