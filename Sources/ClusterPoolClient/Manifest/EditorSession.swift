internal import Dispatch
internal import Foundation
internal import Synchronization
#if canImport(Glibc)
  internal import Glibc
#endif

/// One editing session's temporary file and editor process: runs the editor on the file,
/// removes the file when the session ends, and (with `exitsOnSignal`) on SIGINT or SIGTERM
/// removes it, stops the editor and exits 128 + the signal (130, 143).
final class EditorSession {
  let file: URL
  private let editor = RunningEditor()
  private var signals: [(source: any DispatchSourceSignal, signal: Int32, previous: sighandler_t?)] = []

  init(file: URL, exitsOnSignal: Bool) {
    self.file = file
    if exitsOnSignal { installSignalHandlers() }
  }

  /// Removes the file and restores the signal dispositions.
  func end() {
    for entry in signals {
      entry.source.cancel()
      signal(entry.signal, entry.previous)
    }
    signals = []
    try? FileManager.default.removeItem(at: file)
  }

  /// Writes `text` to the file, runs `command` on it and reads the result.
  func run(_ command: String, text: String) throws(ManifestEditError) -> String {
    do {
      try text.write(to: file, atomically: false, encoding: .utf8)
    } catch {
      throw ManifestEditError.editorFailed("cannot write \(file.path): \(error.localizedDescription)")
    }
    let quotedPath = "'" + file.path.replacing("'", with: "'\\''") + "'"
    let status = runEditor("\(command) \(quotedPath)")
    guard status == 0 else {
      throw ManifestEditError.editorFailed(
        status < 0
          ? "cannot start the editor \"\(command)\""
          : "the editor \"\(command)\" exited with status \(status); nothing was changed")
    }
    guard let data = FileManager.default.contents(atPath: file.path), let edited = String(data: data, encoding: .utf8)
    else {
      throw ManifestEditError.editorFailed("cannot read \(file.path) back as UTF-8 text")
    }
    return edited
  }

  /// Runs `shellCommand` with `/bin/sh` and waits for it; returns its exit status, or -1 when
  /// it could not run or was killed. With a terminal on standard input the editor stays in
  /// this process group, the terminal's foreground group, so that a terminal editor can read
  /// it; without one it gets a group of its own. Signals are reset to their defaults in it.
  private func runEditor(_ shellCommand: String) -> Int32 {
    let ownGroup = isatty(STDIN_FILENO) == 0
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGTERM)
    sigaddset(&defaults, SIGQUIT)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    posix_spawnattr_setsigmask(&attributes, &unblocked)
    var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
    if ownGroup {
      flags |= Int32(POSIX_SPAWN_SETPGROUP)
      posix_spawnattr_setpgroup(&attributes, 0)
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))
    let arguments = ["/bin/sh", "-c", shellCommand]
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    // The lock is held across the spawn so that a signal handler sees the child's id.
    let spawned = editor.state.withLock { editor -> Int32 in
      let result = posix_spawn(&pid, "/bin/sh", nil, &attributes, &argv, environ)
      if result == 0 { (editor.pid, editor.ownGroup) = (pid, ownGroup) }
      return result
    }
    guard spawned == 0 else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let interrupted = editor.state.withLock { editor in
      editor.pid = 0
      return editor.interruptedBy
    }
    // The signal handler stopped the editor and is exiting: exit the same way, not as a failure.
    if interrupted != 0 { _exit(128 + interrupted) }
    guard status & 0x7F == 0 else { return -1 }
    return (status >> 8) & 0xFF
  }

  /// SIGINT and SIGTERM end the process through `interrupted(by:)` while the session lasts.
  private func installSignalHandlers() {
    let file = self.file.path
    let editor = self.editor
    for number in [SIGINT, SIGTERM] {
      let previous = signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        Self.interrupted(by: number, file: file, editor: editor)
      }
      source.resume()
      signals.append((source, number, previous))
    }
  }

  /// Removes `file`, stops the editor (its whole group when it has one) and exits 128 +
  /// `number`.
  private static func interrupted(by number: Int32, file: String, editor: RunningEditor) -> Never {
    unlink(file)
    let running = editor.state.withLock { editor in
      editor.interruptedBy = number
      return (editor.pid, editor.ownGroup)
    }
    let name = number == SIGINT ? "interrupted" : "terminated"
    FileHandle.standardError.write(Data("\n\(name); nothing was changed\n".utf8))
    if running.0 > 0 { kill(running.1 ? -running.0 : running.0, SIGTERM) }
    _exit(128 + number)
  }
}

/// The running editor's process id (0 when none), whether it has a process group of its own
/// (so that a signal can stop every process it started), and the signal that ended the
/// session (0 when none), shared with the signal handlers.
private final class RunningEditor: Sendable {
  let state = Mutex<(pid: pid_t, ownGroup: Bool, interruptedBy: Int32)>((0, false, 0))
}
