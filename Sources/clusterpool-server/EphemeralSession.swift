import Foundation

/// The files of one `--ephemeral` run: the `flyte` config file naming the server, written once
/// its address is known, and (auth on) the bootstrap admin's key beside it; all removed by
/// ``remove()`` when the server exits.
final class EphemeralSession: Sendable {
  /// The config file's path.
  let configPath: String
  /// The temporary folder made for the files (nil with `--ephemeral-config`).
  let folder: String?

  /// A session writing its config file to `configPath`, else to `config.yaml` in a new
  /// temporary folder.
  init(configPath: String?) throws {
    if let configPath {
      self.configPath = configPath
      folder = nil
      return
    }
    var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("clusterpool-ephemeral.XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw StartupError(message: "cannot make a temporary folder for --ephemeral: \(String(cString: strerror(errno)))")
    }
    folder = String(cString: made)
    self.configPath = folder! + "/config.yaml"
  }

  /// Where the bootstrap admin's key goes with auth on, unless `--bootstrap-credentials` says.
  var bootstrapCredentialsPath: String {
    (folder ?? (configPath as NSString).deletingLastPathComponent) + "/bootstrap-credentials"
  }

  /// The config file's text for a server at `host:port`: cleartext unless `tls`, organization
  /// `organization` (`task.org`, what both CLIs send).
  static func config(host: String, port: Int, tls: Bool, organization: String) -> String {
    let dialled = host == "0.0.0.0" ? "127.0.0.1" : host.contains(":") ? "[\(host == "::" ? "::1" : host)]" : host
    return """
      # written by clusterpool-server --ephemeral (pid \(getpid())); removed when it exits
      admin:
        endpoint: dns:///\(dialled):\(port)
        insecure: \(!tls)
      task:
        org: \(organization)

      """
  }

  /// Writes the config file (mode 0600).
  func write(_ text: String) throws {
    guard FileManager.default.createFile(atPath: configPath, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
      throw StartupError(message: "cannot write --ephemeral-config \(configPath): \(String(cString: strerror(errno)))")
    }
  }

  /// Removes the config file, the bootstrap key and the temporary folder.
  func remove() {
    unlink(configPath)
    unlink(bootstrapCredentialsPath)
    if let folder { rmdir(folder) }
  }
}
