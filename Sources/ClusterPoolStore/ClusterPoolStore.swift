public import ClusterPoolDomain

/// Durable storage of cluster pools. Reads are synchronous and served from memory (they may
/// run on an event loop); writes check the domain rules and apply the change in one
/// transaction, and return once the change is durable and visible to reads.
///
/// ``PoolStore`` implements it over any ``StorageBackend`` (in memory, SQLite, PostgreSQL):
/// the rules stay in the domain and the core, the backend supplies rows and transactions.
public protocol ClusterPoolStore: Sendable {
  /// The pool of `key`, live or deleted (an untouched organization's implicit `default`
  /// included); nil when there is none. Never blocks on I/O.
  func pool(_ key: PoolKey) -> ClusterPool?

  /// One page of `query` in `organization`. Never blocks on I/O.
  func list(_ organization: Organization, _ query: ListQuery) -> ListPage

  /// Applies `command` by `actor` in one transaction (rule check and write together) and
  /// returns the stored pool once the commit is durable. Throws the rule's ``DomainError``,
  /// or `.unavailable` when the store cannot commit.
  func execute(_ command: PoolCommand, by actor: Identity) async throws(DomainError) -> ClusterPool

  /// Finishes the writes already queued, then closes; later writes fail with `.unavailable`.
  func close() async
}
