/// The data-plane contract every cluster of a pool shares: object store, secret store and
/// (optionally) image registry. A value of this type has passed validation.
public struct ClusterPoolConfig: Sendable, Hashable {
  /// `object_store_ref.uri`, e.g. `s3://my-prod-bucket/prefix`.
  public var objectStoreURI: String
  /// `object_store_ref.endpoint`: an http(s) URL, or empty.
  public var objectStoreEndpoint: String
  /// `secret_store.type`.
  public var secretStoreType: SecretStoreType
  /// `secret_store.locator`, e.g. a region; may be empty.
  public var secretStoreLocator: String
  /// `image_registry.locator`: `host[:port][/path]`, or empty.
  public var imageRegistry: String

  /// Validates every field as rules.md says; the first problem is thrown.
  public init(
    objectStoreURI: String, objectStoreEndpoint: String = "", secretStoreType: Int32,
    secretStoreLocator: String = "", imageRegistry: String = ""
  ) throws(DomainError) {
    try ConfigRules.checkObjectStoreURI(objectStoreURI)
    try ConfigRules.checkEndpoint(objectStoreEndpoint)
    let type = try SecretStoreType(validatingNumber: secretStoreType)
    try TextRules.check(secretStoreLocator, field: "secret_store.locator", maxBytes: ConfigRules.maxTextBytes)
    try ConfigRules.checkImageRegistry(imageRegistry)
    self.init(
      unchecked: objectStoreURI, objectStoreEndpoint: objectStoreEndpoint, secretStoreType: type,
      secretStoreLocator: secretStoreLocator, imageRegistry: imageRegistry)
  }

  /// Builds a config from values already validated (read back from storage).
  public init(
    unchecked objectStoreURI: String, objectStoreEndpoint: String, secretStoreType: SecretStoreType,
    secretStoreLocator: String, imageRegistry: String
  ) {
    self.objectStoreURI = objectStoreURI
    self.objectStoreEndpoint = objectStoreEndpoint
    self.secretStoreType = secretStoreType
    self.secretStoreLocator = secretStoreLocator
    self.imageRegistry = imageRegistry
  }
}
