internal import Foundation

/// Edits a manifest in the user's editor (`$VISUAL`, else `$EDITOR`, else `vi`) until it is
/// accepted or the user gives up.
///
/// A manifest that does not parse, or that the server refuses (`isRejection(_:)`), is a
/// rejection: `prompt` is asked what to do, (r)etry (the editor reopens with the reason as a
/// comment at the top), (s)ave to file (kept for `--file`) or (a)bort. When no one can answer
/// (no terminal), the session ends at the first rejection with the reason, the edited text
/// saved to a file, and a hint to use `--file`. It never loops on its own: saving the file
/// unchanged (the first time, or again after a rejection) or emptying it ends the session.
/// The temporary file is removed on every exit, and with `exitsOnSignal` also on SIGINT and
/// SIGTERM.
public struct ManifestEditor: Sendable {
  /// The shell command that edits a file; the path is appended as one argument.
  public var command: String
  /// Asked what to do after a rejection.
  public var prompt: any ManifestRejectionPrompt
  /// The folder where a rejected manifest is saved (by "(s)ave to file", or without a
  /// terminal); `nil` is the system's temporary folder.
  public var saveDirectory: String?
  /// The command that applies a saved manifest given `--file PATH` (e.g. `flyte update
  /// cluster-pool prod`), named in the hint; `nil` leaves the hint general.
  public var fileCommand: String?
  /// Whether SIGINT or SIGTERM during the session removes the temporary file, stops the
  /// editor and exits the process (status 130 or 143): what a command-line tool wants, not a
  /// long-running program.
  public var exitsOnSignal: Bool

  /// An editor running `command`, asking `prompt` after a rejection.
  public init(
    command: String, prompt: any ManifestRejectionPrompt = TerminalRejectionPrompt(),
    saveDirectory: String? = nil, fileCommand: String? = nil,
    exitsOnSignal: Bool = false
  ) {
    self.command = command
    self.prompt = prompt
    self.saveDirectory = saveDirectory
    self.fileCommand = fileCommand
    self.exitsOnSignal = exitsOnSignal
  }

  /// The editor the environment asks for: `VISUAL`, else `EDITOR`, else `vi`.
  public init(environment: [String: String]? = nil) {
    let environment = environment ?? ProcessInfo.processInfo.environment
    let chosen = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0?.trimmingWhitespace() }
    self.init(command: chosen.first { !$0.isEmpty } ?? "vi")
  }

  /// Opens `text` in the editor, parses what is saved and passes it to `apply`. Returns the
  /// applied manifest. Throws `ManifestEditError` when the session ends without one, and
  /// whatever `apply` throws that is not a rejection.
  public func edit(
    _ text: String, fileLabel: String, apply: (ClusterPoolManifest) async throws -> Void
  ) async throws -> ClusterPoolManifest {
    try await edit(text, fileLabel: fileLabel, parse: ClusterPoolManifest.init(yaml:), apply: apply)
  }

  /// The same session for any manifest: `parse` reads the saved text (a `ManifestError` is
  /// a rejection), `apply` sends it.
  public func edit<Manifest>(
    _ text: String, fileLabel: String, parse: (String) throws -> Manifest,
    apply: (Manifest) async throws -> Void
  ) async throws -> Manifest {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "flyte-\(fileLabel)-\(UUID().uuidString.prefix(8)).yaml")
    let session = EditorSession(file: file, exitsOnSignal: exitsOnSignal)
    defer { session.end() }
    var shown = text
    var rejectedBody: String?
    while true {
      let edited = try session.run(command, text: shown)
      let body = Self.removingErrorHeader(edited)
      if let rejectedBody, body == rejectedBody { throw ManifestEditError.unchangedAfterRejection }
      if rejectedBody == nil, edited == shown { throw ManifestEditError.unchanged }
      if Self.isBlank(body) { throw ManifestEditError.emptied }
      let problem: String
      do {
        let manifest = try parse(body)
        try await apply(manifest)
        return manifest
      } catch {
        guard let reason = Self.rejection(error) else { throw error }
        problem = reason
      }
      shown = Self.errorHeader(problem) + body
      rejectedBody = body
      switch prompt.choice(after: problem) {
      case .retry: continue
      case .abort: throw ManifestEditError.aborted
      case .saveToFile: throw ManifestEditError.saved(path: try save(shown, fileLabel), fileCommand: fileCommand)
      case nil:
        let path = try? save(shown, fileLabel)
        throw ManifestEditError.rejectedWithoutTerminal(problem, savedTo: path, fileCommand: fileCommand)
      }
    }
  }

  /// Why `error` is a rejection of the manifest (one that editing can fix), or `nil` for an
  /// error that ends the session: a manifest that does not parse, or the server refusing it
  /// (`INVALID_ARGUMENT`, `FAILED_PRECONDITION`, `ALREADY_EXISTS`, `NOT_FOUND`, `OUT_OF_RANGE`).
  /// A connection failure or deadline is not: editing cannot fix it.
  public static func rejection(_ error: any Error) -> String? {
    switch error {
    case let error as ManifestError: "invalid manifest: \(error.message)"
    case let error as ClientError where rejectionCodes.contains(error.code): error.description
    default: nil
    }
  }

  static let rejectionCodes: Set<ClientError.Code> = [
    .invalidArgument, .failedPrecondition, .alreadyExists, .notFound, .outOfRange,
  ]

  /// Writes `text` to a new file in `saveDirectory` and returns its path.
  private func save(_ text: String, _ fileLabel: String) throws(ManifestEditError) -> String {
    let folder = saveDirectory.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
    let file = folder.appendingPathComponent("flyte-\(fileLabel)-rejected-\(UUID().uuidString.prefix(8)).yaml")
    do {
      try Data(text.utf8).write(to: file, options: .withoutOverwriting)
    } catch {
      throw ManifestEditError.editorFailed("cannot save the edited manifest to \(file.path): \(error.localizedDescription)")
    }
    return file.path
  }

  static let errorMarker = "#! "

  /// The comment block that shows `problem` above the manifest.
  static func errorHeader(_ problem: String) -> String {
    let lines = problem.split(separator: "\n", omittingEmptySubsequences: false).map { "\(errorMarker)ERROR: \($0)" }
    return (lines + ["\(errorMarker)Fix the manifest below and save again; save it unchanged to give up.", ""])
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
