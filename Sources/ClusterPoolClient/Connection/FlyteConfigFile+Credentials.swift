internal import Foundation

extension FlyteConfigFile {
  /// The credentials this file's `admin` section gives, as the official client reads them:
  /// `authType: ClientSecret` with `clientId` and the secret from `clientSecretLocation` (a
  /// file, trailing newline dropped) or `clientSecretEnvVar` (a variable's name); no authType
  /// but a secret found is ClientSecret too; `authType: ExternalCommand` with `command`.
  /// `Pkce`, `DeviceFlow` and `Passthrough` give none (browser logins are not supported).
  /// Anything incomplete is an error naming the key and the file, never the secret.
  func credentials(environment: [String: String]) throws(ConfigurationError) -> ClientCredentials? {
    let mode = authType.map { $0.lowercased().replacingOccurrences(of: "_", with: "").replacingOccurrences(of: "-", with: "") }
    switch mode {
    case "externalcommand", "command":
      guard let command, !command.isEmpty else {
        throw ConfigurationError("config file \(path): admin.authType \(authType ?? "") needs admin.command (the token command's argv)")
      }
      return ClientCredentials(.externalCommand(command), source: "admin.command in \(path)")
    case "clientsecret", "appcredential", "headless":
      guard let secret = try secret(environment: environment) else {
        throw ConfigurationError(
          "config file \(path): admin.authType \(authType ?? "") needs the client secret in admin.clientSecretLocation (a file) "
            + "or admin.clientSecretEnvVar (an environment variable's name)")
      }
      return try clientSecret(secret)
    case nil:
      return try secret(environment: environment).map { secret throws(ConfigurationError) in try clientSecret(secret) }
    case "pkce", "deviceflow", "passthrough", "custom":
      return nil
    default:
      throw ConfigurationError(
        "config file \(path): admin.authType \(authType ?? "") is not one of ClientSecret, ExternalCommand, Pkce, DeviceFlow")
    }
  }

  private func clientSecret(_ secret: Secret) throws(ConfigurationError) -> ClientCredentials {
    guard let clientID else {
      throw ConfigurationError("config file \(path): a client secret needs admin.clientId (the API key's client id)")
    }
    return ClientCredentials(.clientSecret(clientID: clientID, secret: secret), source: "admin.clientId in \(path)")
  }

  /// The secret of `clientSecretLocation`, else of `clientSecretEnvVar`.
  private func secret(environment: [String: String]) throws(ConfigurationError) -> Secret? {
    if let location = clientSecretLocation {
      guard let text = try? String(contentsOfFile: location, encoding: .utf8) else {
        throw ConfigurationError("config file \(path): admin.clientSecretLocation \(location) cannot be read")
      }
      let secret = text.trimmingWhitespace()
      guard !secret.isEmpty else { throw ConfigurationError("config file \(path): admin.clientSecretLocation \(location) is empty") }
      return Secret(secret)
    }
    if let name = clientSecretEnvVar {
      guard let secret = environment[name]?.trimmingWhitespace(), !secret.isEmpty else {
        throw ConfigurationError("config file \(path): admin.clientSecretEnvVar names \(name), which is not set")
      }
      return Secret(secret)
    }
    return nil
  }
}
