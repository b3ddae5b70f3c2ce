public import Foundation
internal import ClusterPoolProto

/// A named group of clusters sharing one data-plane configuration, as the server reports it.
///
/// The static methods (`create`, `get`, `listAll`, `update`, `delete`, `undelete`) call the
/// control plane through `ControlPlaneClient.shared` unless a `client:` is passed.
public struct ClusterPool: Sendable, Hashable {
  /// The pool's name, e.g. `prod`.
  public var name: String
  /// The organization the pool belongs to (filled in by the server).
  public var organization: String
  /// The shared data-plane configuration.
  public var config: ClusterPoolConfig
  /// Names of the live clusters registered into the pool, sorted; derived by the server.
  public var memberClusters: [String]
  /// When the pool was soft-deleted; `nil` for a live pool.
  public var deletedAt: Date?
  /// Who created the pool, as the server recorded it (e-mail, subject or application name).
  public var createdBy: String?
  /// Who last changed the pool.
  public var updatedBy: String?
  /// The server's message this value was read from (for `-of json-raw`); `nil` when made in code.
  var message: ServerMessage?

  /// Creates a value (for tests and tools; the server fills most fields).
  public init(
    name: String, organization: String = "", config: ClusterPoolConfig, memberClusters: [String] = [],
    deletedAt: Date? = nil, createdBy: String? = nil, updatedBy: String? = nil
  ) {
    self.name = name
    self.organization = organization
    self.config = config
    self.memberClusters = memberClusters
    self.deletedAt = deletedAt
    self.createdBy = createdBy
    self.updatedBy = updatedBy
  }

  /// The object store URI (`config.objectStoreURI`).
  public var objectStoreURI: String { config.objectStoreURI }
  /// The object store endpoint (`config.objectStoreEndpoint`).
  public var objectStoreEndpoint: String { config.objectStoreEndpoint }
  /// The secret store type (`config.secretStoreType`).
  public var secretStoreType: SecretStoreType? { config.secretStoreType }
  /// The secret store locator (`config.secretStoreLocator`).
  public var secretStoreLocator: String { config.secretStoreLocator }
  /// The image registry (`config.imageRegistry`).
  public var imageRegistry: String { config.imageRegistry }
  /// Whether the pool is soft-deleted.
  public var isDeleted: Bool { deletedAt != nil }

  init(proto: Cloudidl.Clusterpool.ClusterPool) {
    self.init(
      name: proto.id?.name ?? "", organization: proto.id?.organization ?? "",
      config: ClusterPoolConfig(proto: proto.config),
      memberClusters: proto.memberClusters.map(\.name),
      deletedAt: proto.deletedAt.map {
        Date(timeIntervalSince1970: TimeInterval($0.seconds) + TimeInterval($0.nanos) / 1e9)
      },
      createdBy: proto.authorship?.createdBy.flatMap(Self.describe),
      updatedBy: proto.authorship?.updatedBy.flatMap(Self.describe))
    message = ServerMessage(proto)
  }

  static func describe(_ identity: Cloudidl.Common.EnrichedIdentity) -> String? {
    switch identity.principal {
    case .user(let user):
      let spec = user.spec
      return [spec?.email, user.id?.subject, spec?.userHandle].compactMap { $0 }.first { !$0.isEmpty }
    case .application(let app):
      return [app.spec?.name, app.id?.subject].compactMap { $0 }.first { !$0.isEmpty }
    case nil:
      return nil
    }
  }
}
