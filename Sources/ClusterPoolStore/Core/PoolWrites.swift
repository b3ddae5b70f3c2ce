internal import ClusterPoolDomain

/// The pool writes: materialize the organization's `default` pool on its first write, read
/// the pool and its references, apply the rule, store the result.
enum PoolWrites {
  /// Applies `command`; returns the stored pool.
  static func apply(_ command: PoolCommand, by actor: Identity, in tx: StoreTransaction) async throws -> ClusterPool {
    let key = command.key
    try await materializeDefault(key.organization, in: tx)
    let existing = try await tx.pool(key)
    // No cluster or queue can name a pool never stored (registering and creating a queue
    // need the pool, checked under the same organization's lock; the `default` pool is stored
    // before either), so a pool's first write reads no references.
    let references = existing == nil ? PoolReferences.none : try await tx.references(key)
    var pool = try ClusterPoolRules.apply(command, existing: existing, references: references, by: actor, at: tx.now)
    pool.revision = try await tx.nextRevision()
    try await tx.write(pool)
    return pool
  }

  /// Stores the organization's `default` pool when it was never written. It is stored as
  /// readers saw it before (the template's times and author), inside the write's own
  /// transaction: writes of one organization are serialized, so two first writes store it
  /// once, and a rejected write stores nothing.
  static func materializeDefault(_ organization: Organization, in tx: StoreTransaction) async throws {
    let defaultKey = PoolKey(organization: organization, name: .defaultName)
    guard try await tx.pool(defaultKey) == nil else { return }
    var pool = tx.defaultPool.pool(for: organization)
    pool.revision = try await tx.nextRevision()
    try await tx.write(pool)
  }
}
