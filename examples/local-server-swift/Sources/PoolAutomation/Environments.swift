import ClusterPoolClient

/// The team's code under test: makes sure every environment has its pool, each with the
/// environment's bucket, and says which pools it created.
public struct Environments: Sendable {
  public let names: [String]
  public let bucketPrefix: String

  public init(names: [String], bucketPrefix: String) {
    self.names = names
    self.bucketPrefix = bucketPrefix
  }

  /// Creates the pools that are missing; returns the names of those it created.
  public func ensurePools(client: ControlPlaneClient) async throws -> [String] {
    let existing = Set(try await ClusterPool.listAll(client: client).collect().map(\.name))
    var created: [String] = []
    for name in names where !existing.contains(name) {
      try await ClusterPool.create(
        name, objectStoreURI: "\(bucketPrefix)\(name)", secretStoreType: .kubernetes, client: client)
      created.append(name)
    }
    return created
  }
}
