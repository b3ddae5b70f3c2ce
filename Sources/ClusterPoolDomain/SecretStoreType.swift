/// Where a pool's clusters read secrets from. The numbers are the wire enum's.
public enum SecretStoreType: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  case awsSecretsManager = 1
  case gcpSecretManager = 2
  case azureKeyVault = 3
  case kubernetes = 4
  case vault = 5
  case ociVault = 6

  /// The name users write, e.g. `AWS_SECRETS_MANAGER`.
  public var name: String {
    switch self {
    case .awsSecretsManager: "AWS_SECRETS_MANAGER"
    case .gcpSecretManager: "GCP_SECRET_MANAGER"
    case .azureKeyVault: "AZURE_KEY_VAULT"
    case .kubernetes: "KUBERNETES"
    case .vault: "VAULT"
    case .ociVault: "OCI_VAULT"
    }
  }

  /// Parses a name, with or without the wire prefix `SECRET_STORE_TYPE_`, in any case.
  public init?(name: String) {
    var upper = name.uppercased()
    if upper.hasPrefix("SECRET_STORE_TYPE_") { upper.removeFirst("SECRET_STORE_TYPE_".count) }
    guard let match = Self.allCases.first(where: { $0.name == upper }) else { return nil }
    self = match
  }

  /// The valid names, comma-separated, for messages.
  public static let validNames = allCases.map(\.name).joined(separator: ", ")

  /// Validates a wire number: 0 (unspecified) and unknown numbers are rejected.
  public init(validatingNumber number: Int32) throws(DomainError) {
    guard let value = SecretStoreType(rawValue: number) else {
      let given = number == 0 ? "is required" : "value \(number) is unknown"
      throw .invalid("secret_store.type \(given): it must be one of \(Self.validNames)")
    }
    self = value
  }

  public var description: String { name }
}
