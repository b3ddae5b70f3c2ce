internal import Foundation

extension FlyteConfigFile {
  /// The default config file, looked for where the official CLI looks, first found wins:
  /// `./config.yaml`, `./.flyte/config.yaml`, `.flyte/config.yaml` at the root of the git
  /// work tree holding the current directory, `$UCTL_CONFIG`, `$FLYTECTL_CONFIG` (these two
  /// must exist when set), `~/.union/config.yaml`, `~/.flyte/config.yaml`; `nil` when none is.
  static func discover(
    environment: [String: String], currentDirectory: String
  ) throws(ConfigurationError) -> FlyteConfigFile? {
    let cwd = URL(fileURLWithPath: currentDirectory)
    let local = [cwd.appendingPathComponent("config.yaml"), cwd.appendingPathComponent(".flyte/config.yaml")]
    for url in local + (gitRoot(from: cwd).map { [$0.appendingPathComponent(".flyte/config.yaml")] } ?? [])
    where isFile(url.path) {
      return try load(path: url.path)
    }
    for name in ["UCTL_CONFIG", "FLYTECTL_CONFIG"] {
      if let path = environment[name], !path.isEmpty { return try load(path: expand(path, environment)) }
    }
    guard let home = environment["HOME"] ?? Optional(NSHomeDirectory()), !home.isEmpty else { return nil }
    for relative in [".union/config.yaml", ".flyte/config.yaml"] {
      let path = (home as NSString).appendingPathComponent(relative)
      if isFile(path) { return try load(path: path) }
    }
    return nil
  }

  /// `~` or `~/...` from `HOME`.
  static func expand(_ path: String, _ environment: [String: String]) -> String {
    guard path == "~" || path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
    return home + path.dropFirst()
  }

  /// The nearest folder at or above `start` holding `.git` (a folder, or a worktree's file).
  private static func gitRoot(from start: URL) -> URL? {
    var dir = start.standardizedFileURL
    while true {
      if FileManager.default.fileExists(atPath: dir.appendingPathComponent(".git").path) { return dir }
      let parent = dir.deletingLastPathComponent()
      if parent.path == dir.path { return nil }
      dir = parent
    }
  }

  private static func isFile(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
  }
}
