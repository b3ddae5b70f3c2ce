internal import Foundation
internal import Yams

/// The parts of the official CLI's `config.yaml` this client reads:
///
/// ```yaml
/// admin:
///   endpoint: dns:///localhost:8089
///   insecure: true                 # cleartext HTTP/2 (h2c)
///   caCertFilePath: /path/ca.pem   # TLS trust roots; relative to the file's folder
///   authType: ClientSecret         # or ExternalCommand (Pkce, DeviceFlow: none sent)
///   clientId: ci                   # ClientSecret: the app, and its secret from
///   clientSecretLocation: ci.secret  # a file (relative to the file's folder) or
///   clientSecretEnvVar: CI_SECRET    # an environment variable
///   command: [print-token, --org, acme]  # ExternalCommand: prints the bearer token
/// task:
///   org: my-org                    # optional; empty means the server's default
/// ```
///
/// Other keys are ignored, so one file serves both CLIs. Which file is read, and how its
/// settings rank against flags and the environment: ``ConnectionSettings/resolve(_:environment:currentDirectory:)``.
struct FlyteConfigFile: Sendable, Hashable {
  var path: String
  var endpoint: String?
  var insecure: Bool?
  var caCertFilePath: String?
  var organization: String?
  var authType: String?
  var clientID: String?
  var clientSecretLocation: String?
  var clientSecretEnvVar: String?
  var command: [String]?

  /// Reads and parses the file at `path`; every error names the path.
  static func load(path: String) throws(ConfigurationError) -> FlyteConfigFile {
    guard FileManager.default.fileExists(atPath: path) else {
      throw ConfigurationError("config file \(path) does not exist")
    }
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw ConfigurationError("cannot read config file \(path): \(error.localizedDescription)")
    }
    return try parse(text, path: path)
  }

  /// Parses `text`, reporting errors against `path`.
  static func parse(_ text: String, path: String) throws(ConfigurationError) -> FlyteConfigFile {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch {
      throw ConfigurationError("config file \(path) is not valid YAML: \(error)")
    }
    var file = FlyteConfigFile(path: path)
    guard let root, root.null == nil else { return file }  // empty, or only comments
    guard let top = root.mapping else {
      throw ConfigurationError("config file \(path) must be a mapping with an admin: section")
    }
    if let admin = top["admin"], admin.null == nil {
      guard let admin = admin.mapping else {
        throw ConfigurationError("config file \(path): admin must be a mapping (endpoint, insecure, caCertFilePath)")
      }
      file.endpoint = try string(admin["endpoint"], "admin.endpoint", path)
      file.caCertFilePath = try string(admin["caCertFilePath"], "admin.caCertFilePath", path).map {
        resolve($0, relativeTo: path)
      }
      if let node = admin["insecure"], node.null == nil {
        guard let value = node.bool ?? node.string.flatMap(Bool.init) else {
          throw ConfigurationError("config file \(path): admin.insecure must be true or false")
        }
        file.insecure = value
      }
      file.authType = try string(admin["authType"], "admin.authType", path)
      file.clientID = try string(admin["clientId"], "admin.clientId", path)
      file.clientSecretLocation = try string(admin["clientSecretLocation"], "admin.clientSecretLocation", path).map {
        resolve($0, relativeTo: path)
      }
      file.clientSecretEnvVar = try string(admin["clientSecretEnvVar"], "admin.clientSecretEnvVar", path)
      file.command = try argv(admin["command"], "admin.command", path)
    }
    if let task = top["task"]?.mapping {
      file.organization = try string(task["org"], "task.org", path)
    }
    return file
  }

  private static func string(_ node: Node?, _ key: String, _ path: String) throws(ConfigurationError) -> String? {
    guard let node, node.null == nil else { return nil }
    guard let scalar = node.scalar else {
      throw ConfigurationError("config file \(path): \(key) must be a string")
    }
    let value = scalar.string.trimmingWhitespace()
    return value.isEmpty ? nil : value
  }

  /// A list of strings, or one string split at spaces and commas (the official client takes both).
  private static func argv(_ node: Node?, _ key: String, _ path: String) throws(ConfigurationError) -> [String]? {
    guard let node, node.null == nil else { return nil }
    if let list = node.sequence {
      var argv: [String] = []
      for item in list {
        guard let scalar = item.scalar else { throw ConfigurationError("config file \(path): \(key) must be a list of strings") }
        argv.append(scalar.string)
      }
      return argv.isEmpty ? nil : argv
    }
    guard let scalar = node.scalar else { throw ConfigurationError("config file \(path): \(key) must be a list of strings") }
    let argv = scalar.string.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
    return argv.isEmpty ? nil : argv
  }

  /// `~` expanded; a relative path taken from the config file's folder.
  private static func resolve(_ file: String, relativeTo config: String) -> String {
    let expanded = (file as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return expanded }
    return ((config as NSString).deletingLastPathComponent as NSString).appendingPathComponent(expanded)
  }
}
