public import ClusterPoolDomain

extension PoolStore {
  /// The read model as of the last commit applied, as one consistent value (for reads that
  /// must agree with each other; a snapshot held across a commit makes that commit copy the
  /// tables it changes, so single reads use the methods below).
  public func snapshot() -> StoreSnapshot { core.state.withLock { $0 } }

  /// The revision of the last commit applied (this server's, or another's through ``apply(_:)``).
  public var revision: UInt64 { core.appliedRevision.load(ordering: .acquiring) }

  /// Applies a change set committed elsewhere (another server's commit read from a change
  /// log) to the read model and tells the pool observers, exactly as this server's own
  /// commits are applied. The caller applies each change set once, in revision order, and
  /// skips this server's own (already applied when they committed): rows are applied as they
  /// come, so an older change set applied late would bring older rows back.
  public func apply(_ changes: ChangeSet) { core.publish(changes) }

  public func pool(_ key: PoolKey) -> ClusterPool? {
    core.state.withLock { $0.pool(key) }
  }

  public func list(_ organization: Organization, _ query: ListQuery) -> ListPage {
    core.state.withLock { $0.list(organization, query) }
  }

  public func execute(_ command: PoolCommand, by actor: Identity) async throws(DomainError) -> ClusterPool {
    try await perform(touching: [command.key.organization]) { tx in try await PoolWrites.apply(command, by: actor, in: tx) }
  }
}
