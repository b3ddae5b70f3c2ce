internal import ClusterPoolProto

/// The data-plane contract every cluster of a pool shares: object store, secret store and
/// image registry. Empty strings mean "not set".
public struct ClusterPoolConfig: Sendable, Hashable {
  /// The object store URI, e.g. `s3://my-prod-bucket/prefix` (required by the server).
  public var objectStoreURI: String
  /// An http(s) endpoint of an S3-compatible store; empty for the provider's default.
  public var objectStoreEndpoint: String
  /// The secret store; `nil` when the server reports none (UNSPECIFIED or unknown).
  public var secretStoreType: SecretStoreType?
  /// Where in the secret store, e.g. an AWS region or a vault URL; may be empty.
  public var secretStoreLocator: String
  /// The container registry, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/union`; may be empty.
  public var imageRegistry: String

  /// Creates a config.
  public init(
    objectStoreURI: String = "", objectStoreEndpoint: String = "", secretStoreType: SecretStoreType? = nil,
    secretStoreLocator: String = "", imageRegistry: String = ""
  ) {
    self.objectStoreURI = objectStoreURI
    self.objectStoreEndpoint = objectStoreEndpoint
    self.secretStoreType = secretStoreType
    self.secretStoreLocator = secretStoreLocator
    self.imageRegistry = imageRegistry
  }

  init(proto: Cloudidl.Common.ClusterPoolConfig?) {
    self.init(
      objectStoreURI: proto?.objectStoreRef?.uri ?? "",
      objectStoreEndpoint: proto?.objectStoreRef?.endpoint ?? "",
      secretStoreType: proto?.secretStore.flatMap { SecretStoreType(proto: $0.type) },
      secretStoreLocator: proto?.secretStore?.locator ?? "",
      imageRegistry: proto?.imageRegistry?.locator ?? "")
  }

  var proto: Cloudidl.Common.ClusterPoolConfig {
    Cloudidl.Common.ClusterPoolConfig(
      objectStoreRef: .init(uri: objectStoreURI, endpoint: objectStoreEndpoint),
      secretStore: .init(type: secretStoreType?.proto ?? .unspecified, locator: secretStoreLocator),
      imageRegistry: imageRegistry.isEmpty ? nil : .init(locator: imageRegistry))
  }
}
