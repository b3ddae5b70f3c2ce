internal import ClusterPoolDomain
internal import Synchronization

/// Fans cluster changes out to WatchClusters streams: each watcher gets the keys of the
/// clusters of its organization that changed, in order, and word of every change of its
/// organization's identity and access rows (its caller's access is then checked again).
final class ClusterWatchHub: Sendable {
  /// What a watcher is told.
  enum Event: Sendable, Hashable {
    /// The cluster of this key changed.
    case cluster(ClusterKey)
    /// The organization's identity and access rows changed.
    case access
  }

  struct State {
    var nextID = 0
    var watchers: [Int: (Organization, AsyncStream<Event>.Continuation)] = [:]
  }

  let state = Mutex(State())

  /// A stream of changed cluster keys of `organization`, until the consumer stops.
  func subscribe(_ organization: Organization) -> AsyncStream<Event> {
    let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(4096))
    let id = state.withLock { state in
      state.nextID += 1
      state.watchers[state.nextID] = (organization, continuation)
      return state.nextID
    }
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
    }
    return stream
  }

  /// Tells the watchers of `key`'s organization that it changed.
  func publish(_ key: ClusterKey) {
    let targets = state.withLock { state in
      state.watchers.values.filter { $0.0 == key.organization }.map(\.1)
    }
    for continuation in targets { continuation.yield(.cluster(key)) }
  }

  /// Tells the watchers of `organizations` (every watcher for `nil`) that their access rows changed.
  func publishAccess(_ organizations: Set<Organization>?) {
    let targets = state.withLock { state in
      state.watchers.values.filter { organizations?.contains($0.0) ?? true }.map(\.1)
    }
    for continuation in targets { continuation.yield(.access) }
  }

  /// Ends every watch (graceful shutdown).
  func finishAll() {
    let all = state.withLock { state in
      defer { state.watchers.removeAll() }
      return state.watchers.values.map(\.1)
    }
    for continuation in all { continuation.finish() }
  }
}
