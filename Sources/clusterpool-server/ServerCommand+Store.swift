import ClusterPoolDomain
import ClusterPoolPostgres
import ClusterPoolStore
import Foundation
import Logging

extension ServerCommand {
  /// The store the server serves: in memory with `--ephemeral`, else the one `--database` names
  /// (with PostgreSQL's change-log follower).
  func openStore(ephemeral: Bool, logger: Logger) async throws -> (store: PoolStore, follower: PostgresFollower?) {
    guard ephemeral else { return try await pools.openStore(logger: logger) }
    let template = try pools.defaultPool()
    return (try await PoolStore.open(backend: InMemoryBackend(createdAt: template.createdAt), defaultPool: template, logger: logger), nil)
  }

  /// Where the access tokens' signing keys are kept: in memory with `--ephemeral`, else in the
  /// database beside the store.
  func signingKeys(ephemeral: Bool, postgres follower: PostgresFollower?) async throws -> any SigningKeyStore {
    if ephemeral { return InMemorySigningKeyStore() }
    return try await pools.signingKeys(postgres: follower?.backend)
  }
}
