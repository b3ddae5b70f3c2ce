internal import ClusterPoolProto

/// Where a pool's clusters read their secrets: the six secret stores of the data-plane contract.
///
/// The raw value is the name used in manifests, the CLI and the official SDK
/// (`"AWS_SECRETS_MANAGER"`); `init(name:)` also accepts the proto spelling
/// (`"SECRET_STORE_TYPE_AWS_SECRETS_MANAGER"`) in any letter case.
public enum SecretStoreType: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
  case awsSecretsManager = "AWS_SECRETS_MANAGER"
  case gcpSecretManager = "GCP_SECRET_MANAGER"
  case azureKeyVault = "AZURE_KEY_VAULT"
  case kubernetes = "KUBERNETES"
  case vault = "VAULT"
  case ociVault = "OCI_VAULT"

  /// Parses `AWS_SECRETS_MANAGER`, `aws_secrets_manager`, `aws-secrets-manager` or
  /// `SECRET_STORE_TYPE_AWS_SECRETS_MANAGER`; `nil` for anything else.
  public init?(name: String) {
    var key = name.trimmingWhitespace().uppercased().replacing("-", with: "_")
    if key.hasPrefix("SECRET_STORE_TYPE_") { key.removeFirst("SECRET_STORE_TYPE_".count) }
    guard let value = SecretStoreType(rawValue: key) else { return nil }
    self = value
  }

  /// The valid names, comma separated, for messages and templates.
  public static var validNames: String { allCases.map(\.rawValue).joined(separator: ", ") }

  public var description: String { rawValue }

  var proto: Cloudidl.Common.SecretStore.SecretStoreType {
    switch self {
    case .awsSecretsManager: .awsSecretsManager
    case .gcpSecretManager: .gcpSecretManager
    case .azureKeyVault: .azureKeyVault
    case .kubernetes: .kubernetes
    case .vault: .vault
    case .ociVault: .ociVault
    }
  }

  /// The type a server sent; `nil` for UNSPECIFIED or a number this client does not know.
  init?(proto: Cloudidl.Common.SecretStore.SecretStoreType) {
    switch proto {
    case .awsSecretsManager: self = .awsSecretsManager
    case .gcpSecretManager: self = .gcpSecretManager
    case .azureKeyVault: self = .azureKeyVault
    case .kubernetes: self = .kubernetes
    case .vault: self = .vault
    case .ociVault: self = .ociVault
    case .unspecified, .unrecognized: return nil
    }
  }
}

extension StringProtocol {
  /// The text without leading and trailing spaces, tabs and newlines.
  func trimmingWhitespace() -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
      return ""
    }
    return String(self[start...end])
  }
}
