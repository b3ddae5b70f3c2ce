/// Why an editing session ended without an applied manifest; nothing was changed.
public enum ManifestEditError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The file was saved without changes.
  case unchanged
  /// After a rejection, the file was saved again with the same manifest.
  case unchangedAfterRejection
  /// The file was emptied (only comments or blank lines left).
  case emptied
  /// The user chose (a)bort after a rejection.
  case aborted
  /// The user chose (s)ave to file after a rejection: the edited manifest is at `path`.
  case saved(path: String, fileCommand: String?)
  /// A rejection with no terminal to ask what to do: the reason, and where the edited
  /// manifest was saved (`nil` when it could not be).
  case rejectedWithoutTerminal(String, savedTo: String?, fileCommand: String?)
  /// The editor could not run or failed.
  case editorFailed(String)

  public var description: String {
    switch self {
    case .unchanged: "aborted: the file was not changed"
    case .unchangedAfterRejection: "aborted: the rejected manifest was saved again unchanged; nothing was changed"
    case .emptied: "aborted: the file was emptied"
    case .aborted: "aborted; nothing was changed"
    case .saved(let path, let fileCommand):
      "nothing was changed; the edited manifest is saved in \(path)\n" + Self.hint(path, fileCommand)
    case .rejectedWithoutTerminal(let problem, let path, let fileCommand):
      "\(problem)\n"
        + "Not reopening the editor: standard input is not a terminal, so no one can choose to retry; "
        + (path.map { "the edited manifest is saved in \($0).\n" + Self.hint($0, fileCommand) }
          ?? "give the manifest with --file PATH instead of the editor.")
    case .editorFailed(let why): why
    }
  }

  private static func hint(_ path: String, _ fileCommand: String?) -> String {
    "Fix it and apply it with " + (fileCommand.map { "\($0) --file \(path)" } ?? "--file \(path)") + "."
  }
}
