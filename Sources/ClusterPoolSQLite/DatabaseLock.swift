internal import ClusterPoolStore
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The exclusive right of one process to use a database file: a `flock` on `DATABASE.lock`,
/// next to the database, that holds the owner's pid. The lock goes with its process (exit,
/// crash or SIGKILL), so a new server can always start once the old one is gone.
///
/// A separate file, not the database itself: SQLite takes POSIX (`fcntl`) locks on the
/// database file, and those are dropped when any descriptor of the file is closed in the
/// process; a `flock` on a file of our own never interferes with them.
final class DatabaseLock: @unchecked Sendable {
  /// The lock file's path.
  let path: String
  private var descriptor: Int32

  /// Takes the lock for the database at `databasePath`, creating the lock file when missing.
  /// Throws ``StoreOpenError`` naming the holder's pid when another process has it.
  init(databasePath: String) throws(StoreOpenError) {
    let path = databasePath + ".lock"
    while true {
      let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
      guard fd >= 0 else {
        let cause = errno == ENOENT ? "its folder does not exist" : "cannot create \(path): \(Self.reason(errno))"
        throw StoreOpenError("cannot open the pool database \(databasePath): \(cause)")
      }
      guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
        let failure = errno
        defer { close(fd) }
        if failure == EWOULDBLOCK {
          let holder = Self.holder(fd).map { "pid \($0)" } ?? "pid unknown"
          throw StoreOpenError("database \(databasePath) is in use by another clusterpool-server (\(holder))")
        }
        throw StoreOpenError("cannot open the pool database \(databasePath): cannot lock \(path): \(Self.reason(failure))")
      }
      // The previous owner may have removed the file between our open and our lock (it
      // unlinks at release): then our lock is on a file nobody else can see; try again.
      var opened = stat()
      var named = stat()
      guard fstat(fd, &opened) == 0, stat(path, &named) == 0,
        opened.st_dev == named.st_dev, opened.st_ino == named.st_ino
      else {
        close(fd)
        continue
      }
      let pid = "\(getpid())\n"
      guard ftruncate(fd, 0) == 0, pwrite(fd, pid, pid.utf8.count, 0) == pid.utf8.count else {
        let failure = errno
        close(fd)
        throw StoreOpenError("cannot open the pool database \(databasePath): cannot write \(path): \(Self.reason(failure))")
      }
      self.path = path
      self.descriptor = fd
      return
    }
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
  }

  /// Removes the lock file and releases the lock (while still holding it, so that no other
  /// process can take a lock on the file being removed and keep it).
  func release() {
    guard descriptor >= 0 else { return }
    unlink(path)
    close(descriptor)
    descriptor = -1
  }

  /// The pid the holder wrote into the lock file; nil when unreadable (it may not have
  /// written it yet).
  private static func holder(_ fd: Int32) -> Int32? {
    for attempt in 0..<20 {
      var buffer = [UInt8](repeating: 0, count: 32)
      let count = pread(fd, &buffer, buffer.count, 0)
      let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
      if let first = text.split(whereSeparator: \.isWhitespace).first, let pid = Int32(first) { return pid }
      if attempt < 19 { usleep(5_000) }  // the holder writes its pid right after locking
    }
    return nil
  }

  /// `strerror` in lower case, and "no such file" for ENOENT.
  static func reason(_ code: Int32) -> String {
    if code == ENOENT { return "no such file" }
    let text = String(cString: strerror(code))
    return text.prefix(1).lowercased() + text.dropFirst()
  }
}
