internal import ClusterPoolDomain
internal import Synchronization

/// A write waiting for its transaction.
struct PendingWrite: Sendable {
  /// The organizations it touches, locked (with its batch's) before the transaction's first read.
  let organizations: [Organization]
  /// The rows it will likely read (prefetched with its batch's).
  var reads = RowKeys()
  /// A dry run (``StoreDryRun``): run alone in a transaction that is rolled back.
  var dryRun = false
  /// Checks the rules and writes rows (throwing undoes this write only); returns how to
  /// answer the caller once the commit is durable and published (told the commit's revision).
  let apply: @Sendable (StoreTransaction) async throws -> @Sendable (UInt64) -> Void
  /// Answers the caller when the write was rejected or could not be committed.
  let fail: @Sendable (DomainError) -> Void
}

/// The writes waiting for the store's write loop, taken a batch at a time (group commit: the
/// writes that arrive while a transaction commits go into the next one together).
final class WriteQueue: Sendable {
  private struct State {
    var pending: [PendingWrite] = []
    var waiter: CheckedContinuation<Void, Never>?
    var closed = false
  }
  private let state = Mutex(State())

  /// Queues `write`; false when the queue is closed (the write will never run).
  func enqueue(_ write: PendingWrite) -> Bool {
    let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
      guard !state.closed else { return (false, nil) }
      state.pending.append(write)
      defer { state.waiter = nil }
      return (true, state.waiter)
    }
    waiter?.resume()
    return accepted
  }

  /// Takes no more writes; those queued are still handed out.
  func close() {
    let waiter = state.withLock { state in
      state.closed = true
      defer { state.waiter = nil }
      return state.waiter
    }
    waiter?.resume()
  }

  /// Whether ``close()`` was called.
  var isClosed: Bool { state.withLock { $0.closed } }

  /// Queued writes, at most `limit`, in the order queued, that touch only `organizations`
  /// (a transaction holding their locks takes them in: writes that arrived while it waited for
  /// the locks), dry runs excepted (each runs alone); never waits. Others stay queued in their order: a write of other organizations
  /// is independent of these, so committing these first serves both in an order they allow.
  func take(limit: Int, within organizations: Set<Organization>) -> [PendingWrite] {
    guard limit > 0 else { return [] }
    return state.withLock { state in
      var taken: [PendingWrite] = []
      var kept: [PendingWrite] = []
      for write in state.pending {
        if taken.count < limit && !write.dryRun && write.organizations.allSatisfy(organizations.contains) {
          taken.append(write)
        } else {
          kept.append(write)
        }
      }
      if !taken.isEmpty { state.pending = kept }
      return taken
    }
  }

  /// The next writes, at most `limit`, in the order queued; waits for one; nil once the
  /// queue is closed and empty. One caller at a time.
  func next(limit: Int) async -> [PendingWrite]? {
    while true {
      let taken = state.withLock { state -> [PendingWrite]?? in
        if !state.pending.isEmpty {
          let count = min(state.pending.count, limit)
          defer { state.pending.removeFirst(count) }
          return .some(Array(state.pending.prefix(count)))
        }
        return state.closed ? .some(nil) : nil
      }
      if let taken { return taken }
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let ready = state.withLock { state in
          if !state.pending.isEmpty || state.closed { return true }
          state.waiter = continuation
          return false
        }
        if ready { continuation.resume() }
      }
    }
  }
}
