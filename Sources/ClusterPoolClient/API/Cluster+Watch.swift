internal import ClusterPoolProto
internal import Synchronization

/// One message of `Cluster.watch()`: first the clusters that match now, then each change.
public struct ClusterWatchEvent: Sendable, Hashable {
  /// What the message is.
  public enum Kind: Sendable, Hashable {
    /// The clusters matching the filters when the watch started (possibly none).
    case snapshot
    /// Clusters that changed (created, drained, became unhealthy, deleted...).
    case change
  }

  /// Whether this is the first message or a change.
  public var kind: Kind
  /// The clusters it is about, in their new state (no queues or authorship: a watch carries
  /// summaries).
  public var clusters: [Cluster]

  /// Creates an event.
  public init(kind: Kind, clusters: [Cluster]) {
    self.kind = kind
    self.clusters = clusters
  }
}

extension Cluster {
  /// The clusters of the caller's organization as they change (WatchClusters): first a
  /// `.snapshot` event, then one `.change` event per change, until the loop stops or the
  /// task is cancelled. A failure (e.g. the server going away) is thrown from the loop, and
  /// so is `DEADLINE_EXCEEDED` when the snapshot does not come within the client's call
  /// timeout. The loop ends without an error when the server ends the watch.
  ///
  /// ```swift
  /// for try await event in Cluster.watch(pool: "prod") {
  ///   for cluster in event.clusters { print(cluster.name, cluster.state, cluster.health) }
  /// }
  /// ```
  public static func watch(
    pool: String? = nil, nameContains: String? = nil, client: ControlPlaneClient? = nil
  ) -> AsyncThrowingStream<ClusterWatchEvent, any Error> {
    let filters = listFilters(pool: pool, deleted: false, nameContains: nameContains)
    let (stream, continuation) = AsyncThrowingStream<ClusterWatchEvent, any Error>.makeStream()
    let task = Task {
      do {
        let client = try ControlPlaneClient.resolve(client)
        let answered = FirstAnswer()
        // The snapshot must come within the call timeout (a server that never answers is
        // named like a unary call's deadline); the changes after it may take forever.
        let watchdog = client.settings.callTimeout.map { timeout in
          Task {
            try await Task.sleep(for: timeout)
            guard !answered.seen else { return }
            let method = ControlPlaneClient.operation(Service.WatchClusters.method)
            continuation.finish(
              throwing: ClientError(
                code: .deadlineExceeded, message: ClientError.deadlineMessage(settings: client.settings, method: method)))
          }
        }
        defer { watchdog?.cancel() }
        try await client.stream(
          Service.WatchClusters.method, Cloudidl.Cluster.WatchClustersRequest(filters: filters),
          returning: Cloudidl.Cluster.WatchClustersResponse.self
        ) { responses in
          var kind = ClusterWatchEvent.Kind.snapshot
          for try await response in responses {
            answered.seen = true
            continuation.yield(ClusterWatchEvent(kind: kind, clusters: response.clusters.map(Cluster.init(summary:))))
            kind = .change
          }
        }
        continuation.finish()
      } catch let error as ClientError where error.code == .cancelled && Task.isCancelled {
        continuation.finish()
      } catch {
        continuation.finish(throwing: error)
      }
    }
    continuation.onTermination = { _ in task.cancel() }
    return stream
  }
}

/// Whether a watch has had its first answer, shared with its watchdog.
private final class FirstAnswer: Sendable {
  private let state = Mutex(false)
  var seen: Bool {
    get { state.withLock { $0 } }
    set { state.withLock { $0 = newValue } }
  }
}
