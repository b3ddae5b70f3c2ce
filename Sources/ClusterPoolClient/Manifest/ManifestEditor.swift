internal import Foundation
#if canImport(Glibc)
  internal import Glibc
#endif

/// Edits a manifest in the user's editor (`$VISUAL`, else `$EDITOR`, else `vi`) until it is
/// accepted: a manifest that does not parse, or that the server rejects as invalid
/// (`INVALID_ARGUMENT`), reopens the editor with the error as a comment at the top. Saving
/// the file unchanged, or emptying it, aborts.
public struct ManifestEditor: Sendable {
  /// The shell command that edits a file; the path is appended as one argument.
  public var command: String

  /// An editor running `command`.
  public init(command: String) { self.command = command }

  /// The editor the environment asks for: `VISUAL`, else `EDITOR`, else `vi`.
  public init(environment: [String: String]? = nil) {
    let environment = environment ?? ProcessInfo.processInfo.environment
    let chosen = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0?.trimmingWhitespace() }
    self.init(command: chosen.first { !$0.isEmpty } ?? "vi")
  }

  /// Opens `text` in the editor, parses what is saved and passes it to `apply`, reopening on
  /// a parse error or an `INVALID_ARGUMENT` from `apply`. Returns the applied manifest.
  /// Throws `ManifestEditError` when the user aborts or the editor fails, and whatever else
  /// `apply` throws.
  public func edit(
    _ text: String, fileLabel: String, apply: (ClusterPoolManifest) async throws -> Void
  ) async throws -> ClusterPoolManifest {
    try await edit(text, fileLabel: fileLabel, parse: ClusterPoolManifest.init(yaml:), apply: apply)
  }

  /// The same editing loop for any manifest: `parse` reads the saved text (throwing
  /// `ManifestError` to reopen the editor), `apply` sends it.
  public func edit<Manifest>(
    _ text: String, fileLabel: String, parse: (String) throws -> Manifest,
    apply: (Manifest) async throws -> Void
  ) async throws -> Manifest {
    let directory = FileManager.default.temporaryDirectory
    let file = directory.appendingPathComponent("flyte-\(fileLabel)-\(UUID().uuidString.prefix(8)).yaml")
    defer { try? FileManager.default.removeItem(at: file) }
    var shown = text
    while true {
      let edited = try run(on: file, text: shown)
      if edited == shown { throw ManifestEditError.unchanged }
      let body = Self.removingErrorHeader(edited)
      if Self.isBlank(body) { throw ManifestEditError.emptied }
      let problem: String
      do {
        let manifest = try parse(body)
        try await apply(manifest)
        return manifest
      } catch let error as ManifestError {
        problem = "invalid manifest: \(error.message)"
      } catch let error as ClientError where error.code == .invalidArgument {
        problem = error.description
      }
      shown = Self.errorHeader(problem) + body
    }
  }

  /// Writes `text` to `file`, runs the editor on it and reads the result.
  private func run(on file: URL, text: String) throws -> String {
    do {
      try text.write(to: file, atomically: false, encoding: .utf8)
    } catch {
      throw ManifestEditError.editorFailed("cannot write \(file.path): \(error.localizedDescription)")
    }
    let quotedPath = "'" + file.path.replacing("'", with: "'\\''") + "'"
    let status = Self.runInForeground("\(command) \(quotedPath)")
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

  /// Runs `shellCommand` with `/bin/sh` in this process group, so that a terminal editor
  /// owns the terminal (Foundation's `Process` starts children in a group of their own, where
  /// reading the terminal fails). Returns the exit status, or -1 when it could not run.
  private static func runInForeground(_ shellCommand: String) -> Int32 {
    #if canImport(Glibc)
      let status = Glibc.system(shellCommand)
      guard status != -1, status & 0x7F == 0 else { return -1 }
      return (status >> 8) & 0xFF
    #else
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", shellCommand]
      guard (try? process.run()) != nil else { return -1 }
      process.waitUntilExit()
      return process.terminationReason == .exit ? process.terminationStatus : -1
    #endif
  }

  static let errorMarker = "#! "

  /// The comment block that shows `problem` above the manifest.
  static func errorHeader(_ problem: String) -> String {
    let lines = problem.split(separator: "\n", omittingEmptySubsequences: false).map { "\(errorMarker)ERROR: \($0)" }
    return (lines + ["\(errorMarker)Fix the manifest below and save again; quit without saving to abort.", ""])
      .joined(separator: "\n")
  }

  /// `text` without a leading error block written by `errorHeader`.
  static func removingErrorHeader(_ text: String) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    while let first = lines.first, first.hasPrefix("#!") { lines.removeFirst() }
    return lines.joined(separator: "\n")
  }

  /// Nothing but comments and white space.
  static func isBlank(_ text: String) -> Bool {
    text.split(separator: "\n").allSatisfy { line in
      let trimmed = line.trimmingWhitespace()
      return trimmed.isEmpty || trimmed.hasPrefix("#")
    }
  }
}

/// Why an editing session ended without a result.
public enum ManifestEditError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The file was saved without changes.
  case unchanged
  /// The file was emptied (only comments or blank lines left).
  case emptied
  /// The editor could not run or failed.
  case editorFailed(String)

  public var description: String {
    switch self {
    case .unchanged: "aborted: the file was not changed"
    case .emptied: "aborted: the file was emptied"
    case .editorFailed(let why): why
    }
  }
}
