public import ClusterPoolDomain

extension PoolStore {
  /// The read model as of the last commit applied, as one consistent value (for reads that
  /// must agree with each other; a snapshot held across a commit makes that commit copy the
  /// tables it changes, so single reads use the methods below).
  public func snapshot() -> StoreSnapshot { core.state.withLock { $0 } }

  /// The contiguous applied revision: every commit up to it (this server's, and others'
  /// through ``apply(_:asOf:)``) is in the read model. Without a follower
  /// (``followCommitsElsewhere()``) that is the last commit applied; with one, this server's
  /// own commits above a commit of another server not followed yet do not count until the
  /// follower has passed them (see ``AppliedRevisions``).
  public var revision: UInt64 { core.appliedRevision.load(ordering: .acquiring) }

  /// Applies a change set committed elsewhere (another server's commit read from a change
  /// log) to the read model and tells the observers, exactly as this server's own commits
  /// are applied. `asOf`: the revision the rows are current as of when read later than the
  /// change set's commit (default: its revision). A row replaces the one in memory only when
  /// current as of at least as late a revision, so change sets applied late or twice, or a
  /// follower's read racing this server's own commit, never bring an older row back. The
  /// caller vouches that every commit up to the change set's revision is now applied (others'
  /// in it or before, this server's own ones skipped): the store's ``revision`` becomes it.
  public func apply(_ changes: ChangeSet, asOf: UInt64? = nil) { core.publish(changes, asOf: asOf, source: .followed) }

  /// From now on a follower of commits made elsewhere decides which revisions are contiguous
  /// (``apply(_:asOf:)``): this store's own commits are applied at once but raise
  /// ``revision`` only once the follower has read past them. Call before following.
  public func followCommitsElsewhere() { core.state.withLock { _ in core.revisions.withLock { $0.follow() } } }

  /// This store's commits already applied above the contiguous revision (a follower skips
  /// their change log entries), ascending.
  public func ownCommitsApplied() -> [UInt64] {
    core.revisions.withLock { $0.ownAhead.sorted() }
  }

  public func pool(_ key: PoolKey) -> ClusterPool? {
    core.state.withLock { $0.pool(key) }
  }

  public func list(_ organization: Organization, _ query: ListQuery) -> ListPage {
    core.state.withLock { $0.list(organization, query) }
  }

  public func execute(_ command: PoolCommand, by actor: Identity) async throws(DomainError) -> ClusterPool {
    try await perform(touching: [command.key.organization], reading: .pools(command.key.organization, command.key), auditing: .init(kind: "pool", name: command.key.name.value)) { tx in try await PoolWrites.apply(command, by: actor, in: tx) }
  }
}
