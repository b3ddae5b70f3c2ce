internal import ClusterPoolDomain
internal import Synchronization

/// Wakes the `Watch` calls of an organization when this server appends audit records to its
/// chain (records of other servers are found by each watch's periodic read); ends them all
/// at shutdown.
final class AuditWatchHub: Sendable {
  private struct State {
    var next = 0
    var watchers: [Int: (Organization, AsyncStream<Void>.Continuation)] = [:]
    var ended = false
  }
  private let state = Mutex(State())

  /// A stream of wake-ups for `organization` (coalesced: one pending at most) and its id.
  func subscribe(_ organization: Organization) -> (AsyncStream<Void>, Int) {
    let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    let id = state.withLock { state -> Int? in
      guard !state.ended else { return nil }
      state.next += 1
      state.watchers[state.next] = (organization, continuation)
      return state.next
    }
    guard let id else {
      continuation.finish()
      return (stream, 0)
    }
    continuation.yield()  // the first read happens at once
    return (stream, id)
  }

  func unsubscribe(_ id: Int) {
    state.withLock { $0.watchers.removeValue(forKey: id) }?.1.finish()
  }

  /// Wakes watcher `id` (its periodic read).
  func poke(_ id: Int) {
    _ = state.withLock { $0.watchers[id] }?.1.yield()
  }

  /// Wakes the watchers of the organizations of `records`.
  func appended(_ records: [AuditRecord]) {
    let organizations = Set(records.map(\.organization))
    let woken = state.withLock { state in state.watchers.values.filter { organizations.contains($0.0) }.map(\.1) }
    for continuation in woken { continuation.yield() }
  }

  /// Ends every watch (shutdown); later ones end at once.
  func endAll() {
    let all = state.withLock { state in
      state.ended = true
      defer { state.watchers = [:] }
      return state.watchers.values.map(\.1)
    }
    for continuation in all { continuation.finish() }
  }
}
