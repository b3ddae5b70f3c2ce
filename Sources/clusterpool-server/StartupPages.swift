#if canImport(Glibc)
  import Glibc
#endif

/// Gives back the file pages the start mapped and serving does not need.
///
/// Code and read-only data of the binary and its libraries are mapped from their files; each
/// page the start runs or reads (argument parsing, configuration, the store's opening and
/// migrations, the services' wiring) stays in the process's RSS for its life, with the kernel's
/// fault-around mapping up to 64 KiB of neighbours in the page cache with each of them. Once
/// the server listens, `MADV_DONTNEED` on those mappings drops the process's page table entries:
/// the pages stay in the page cache, and what serving runs is mapped again on its first use.
///
/// Only private file mappings that cannot be written and hold no anonymous (copied-on-write)
/// page are given back: their pages are the file's bytes, so dropping one loses nothing. A
/// relocated read-only range (RELRO) holds anonymous pages and is kept; writable mappings
/// (`.data`, `.bss`, the heap, stacks) are never touched.
enum StartupPages {
  /// What one release gave back.
  struct Released: Sendable {
    /// Mappings given back.
    var mappings = 0
    /// Resident bytes those mappings held.
    var bytes = 0
    /// Whether the code mappings' fault-around was turned off (``CodeFaultAround``).
    var faultAround: CodeFaultAround.Outcome = .kept(reason: "not tried")
  }

  /// Turns off fault-around for every read-only file mapping (``CodeFaultAround``), then
  /// releases every mapping ``releasable(smaps:)`` picks from `/proc/self/smaps`: what serving
  /// runs comes back a page at a time. nil when the system has no such file (not Linux).
  static func release() -> Released? {
    #if os(Linux)
      guard let smaps = readFile("/proc/self/smaps") else { return nil }
      var released = Released()
      // fault-around off first: a page another thread runs between the two comes back alone
      released.faultAround = CodeFaultAround.turnOff(for: readOnlyFileMappings(smaps: smaps))
      for mapping in releasable(smaps: smaps) {
        let start = UnsafeMutableRawPointer(bitPattern: mapping.start)
        guard madvise(start, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0 else { continue }
        released.mappings += 1
        released.bytes += mapping.residentBytes
      }
      return released
    #else
      return nil
    #endif
  }

  /// One mapping of `/proc/PID/smaps` that can be given back.
  struct Mapping: Equatable, Sendable {
    var start: UInt
    var end: UInt
    var residentBytes: Int
  }

  /// The mappings of `smaps` (the text of `/proc/PID/smaps`) that can be given back: private
  /// (`p`), not writable, backed by a file (an inode, a path that is not `[vdso]` and the
  /// like), with resident pages and no anonymous ones.
  static func releasable(smaps: String) -> [Mapping] {
    parse(smaps: smaps).filter { $0.eligible && $0.anonymous == 0 && $0.mapping.residentBytes > 0 }.map(\.mapping)
  }

  /// Every private, non-writable file mapping of `smaps`, resident or not: the ones
  /// ``CodeFaultAround`` registers (a relocated read-only range's anonymous pages are not
  /// file pages; fault-around never maps them).
  static func readOnlyFileMappings(smaps: String) -> [Mapping] {
    parse(smaps: smaps).filter(\.eligible).map(\.mapping)
  }

  private static func parse(smaps: String) -> [(mapping: Mapping, eligible: Bool, anonymous: Int)] {
    var found: [(mapping: Mapping, eligible: Bool, anonymous: Int)] = []
    var current: (mapping: Mapping, eligible: Bool, anonymous: Int)?
    for line in smaps.split(separator: "\n", omittingEmptySubsequences: true) {
      if let header = header(line) {
        if let c = current { found.append(c) }
        current = (header.mapping, header.eligible, 0)
      } else if current != nil, let (field, kib) = field(line) {
        if field == "Rss" { current!.mapping.residentBytes = kib * 1024 }
        if field == "Anonymous" { current!.anonymous = kib }
      }
    }
    if let c = current { found.append(c) }
    return found
  }

  /// `start-end perms offset dev inode [path]`: the range, and whether it may be given back.
  private static func header(_ line: Substring) -> (mapping: Mapping, eligible: Bool)? {
    let parts = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
    guard parts.count >= 5, let dash = parts[0].firstIndex(of: "-"),
      let start = UInt(parts[0][..<dash], radix: 16), let end = UInt(parts[0][parts[0].index(after: dash)...], radix: 16),
      parts[1].utf8.count == 4
    else { return nil }
    let perms = Array(parts[1].utf8)
    let path = parts.count > 5 ? parts[5].drop { $0 == " " } : ""
    let eligible =
      perms[1] == UInt8(ascii: "-") && perms[3] == UInt8(ascii: "p") && parts[4] != "0" && path.first == "/"
      && !path.hasSuffix(" (deleted)")
    return (Mapping(start: start, end: end, residentBytes: 0), eligible)
  }

  /// `Name:   123 kB` -> (Name, 123).
  private static func field(_ line: Substring) -> (Substring, Int)? {
    guard let colon = line.firstIndex(of: ":") else { return nil }
    let value = line[line.index(after: colon)...].split(separator: " ")
    guard value.count == 2, value[1] == "kB", let kib = Int(value[0]) else { return nil }
    return (line[..<colon], kib)
  }

  #if os(Linux)
    private static func readFile(_ path: String) -> String? {
      let fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { return nil }
      defer { close(fd) }
      var bytes: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 64 * 1024)
      while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0, errno == EINTR { continue }
        guard n > 0 else { break }
        bytes.append(contentsOf: chunk[..<n])
      }
      return String(decoding: bytes, as: UTF8.self)
    }
  #endif
}
