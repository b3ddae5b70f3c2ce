/// What to do after the edited manifest was rejected.
public enum ManifestRejectionChoice: Sendable, Hashable {
  /// Reopen the editor (with the reason at the top).
  case retry
  /// Keep the edited manifest in a file, for `--file`, and stop.
  case saveToFile
  /// Stop; nothing is kept.
  case abort
}

/// Asks what to do after a rejection; `ManifestEditor` calls it with the reason.
public protocol ManifestRejectionPrompt: Sendable {
  /// The choice after `problem`, or `nil` when no one can answer (no terminal).
  func choice(after problem: String) -> ManifestRejectionChoice?
}
