internal import Yams

/// A pool as a YAML manifest, in the format of the user docs:
///
/// ```yaml
/// name: prod
/// config:
///   object_store_ref:
///     uri: s3://my-prod-bucket/prefix
///     endpoint: ""
///   secret_store:
///     type: AWS_SECRETS_MANAGER
///     locator: us-east-1
///   image_registry:
///     locator: 123456789012.dkr.ecr.us-east-1.amazonaws.com/union
/// ```
///
/// The read-only keys of `flyte get cluster-pool -o yaml` (`organization`, `member_clusters`,
/// `deleted_at`, `created_by`, `updated_by`) are accepted and ignored, so that output can be
/// edited and fed back; any other key is an error, which catches typos.
public struct ClusterPoolManifest: Sendable, Hashable {
  /// The `name` key; `nil` when the manifest has none.
  public var name: String?
  /// The `config` section.
  public var config: ClusterPoolConfig

  /// Creates a manifest.
  public init(name: String?, config: ClusterPoolConfig) {
    self.name = name
    self.config = config
  }

  /// The manifest of an existing pool.
  public init(_ pool: ClusterPool) {
    self.init(name: pool.name, config: pool.config)
  }

  /// The pool name to use: `commandLineName` and the manifest's `name` must agree when both
  /// are given; one of them must be.
  public func resolvedName(commandLineName: String?) throws(ManifestError) -> String {
    try ManifestName.resolved(declared: name, commandLine: commandLineName)
  }

  static let readOnlyKeys: Set<String> = ["kind", "organization", "member_clusters", "deleted_at", "created_by", "updated_by"]
}

/// A manifest that cannot be used: bad YAML, an unknown key, a wrong type, an unknown secret
/// store type. The message names the key (and line, when known).
public struct ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What is wrong.
  public var message: String

  /// Creates an error.
  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
