/// What a binary was built from: the release version and the git commit, shown by
/// `flyte --version` and `clusterpool-server --version`.
public enum BuildInfo {
  /// The release version of the package.
  public static let version = "0.1.0"

  /// The git commit of the build, with `+uncommitted` when the checkout had changes to
  /// tracked files, or `unknown` when the build had no git information (a source archive).
  /// Written by the GitCommit plugin (`gitCommit`) whenever git moves HEAD or the index, so
  /// an edit counts as uncommitted once git has looked at it (`git add`, `git status`).
  public static let commit = gitCommit

  /// `NAME VERSION (commit COMMIT)`, the `--version` line of the executable `name`.
  public static func versionLine(_ name: String) -> String {
    "\(name) \(version) (commit \(commit))"
  }
}
