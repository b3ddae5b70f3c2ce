public import ClusterPoolDomain

extension PoolStore {
  /// The read model as of the last commit applied, as one consistent value (for reads that
  /// must agree with each other; a snapshot held across a commit makes that commit copy the
  /// tables it changes, so single reads use the methods below).
  public func snapshot() -> StoreSnapshot { core.state.withLock { $0 } }

  /// The revision of the last commit applied (this server's, or another's through ``apply(_:)``).
  public var revision: UInt64 { core.appliedRevision.load(ordering: .acquiring) }

  /// Applies a change set committed elsewhere (another server's commit read from a change
  /// log) to the read model and tells the observers, exactly as this server's own commits
  /// are applied. `asOf`: the revision the rows are current as of when read later than the
  /// change set's commit (default: its revision). A row replaces the one in memory only when
  /// current as of at least as late a revision, so change sets applied late or twice, or a
  /// follower's read racing this server's own commit, never bring an older row back; the
  /// store's ``revision`` becomes the highest applied.
  public func apply(_ changes: ChangeSet, asOf: UInt64? = nil) { core.publish(changes, asOf: asOf) }

  public func pool(_ key: PoolKey) -> ClusterPool? {
    core.state.withLock { $0.pool(key) }
  }

  public func list(_ organization: Organization, _ query: ListQuery) -> ListPage {
    core.state.withLock { $0.list(organization, query) }
  }

  public func execute(_ command: PoolCommand, by actor: Identity) async throws(DomainError) -> ClusterPool {
    try await perform(touching: [command.key.organization], reading: .pools(command.key.organization, command.key)) { tx in try await PoolWrites.apply(command, by: actor, in: tx) }
  }
}
