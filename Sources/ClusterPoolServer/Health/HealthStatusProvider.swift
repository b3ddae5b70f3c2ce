public import ClusterPoolProto
internal import Synchronization

/// The serving status of each service, for `grpc.health.v1.Health`.
///
/// The empty service name is the server as a whole. Watchers get the current status and
/// then every change; a watched name that is not registered reads `SERVICE_UNKNOWN` until
/// it is.
public final class HealthStatusProvider: Sendable {
  public typealias ServingStatus = Grpc.Health.V1.HealthCheckResponse.ServingStatus

  private struct State {
    var statuses: [String: ServingStatus] = [:]
    var watchers: [String: [Int: AsyncStream<ServingStatus>.Continuation]] = [:]
    var nextWatcherID = 0
  }

  private let state = Mutex(State())

  public init() {}

  /// The status of `service`, or nil when no such service is registered.
  public func status(of service: String) -> ServingStatus? {
    state.withLock { $0.statuses[service] }
  }

  /// Sets the status of `service` (registering it if needed) and notifies its watchers.
  public func setStatus(_ status: ServingStatus, for service: String) {
    let continuations = state.withLock { state -> [AsyncStream<ServingStatus>.Continuation] in
      guard state.statuses[service] != status else { return [] }
      state.statuses[service] = status
      return Array(state.watchers[service, default: [:]].values)
    }
    for continuation in continuations { continuation.yield(status) }
  }

  /// Sets every registered service, and the server as a whole, to `status`.
  public func setAll(_ status: ServingStatus) {
    let names = state.withLock { Array($0.statuses.keys) }
    for name in names { setStatus(status, for: name) }
  }

  /// The current status of `service` followed by each change, until the consumer stops.
  /// Only the newest status is kept for a slow consumer.
  public func updates(of service: String) -> AsyncStream<ServingStatus> {
    let (stream, continuation) = AsyncStream.makeStream(of: ServingStatus.self, bufferingPolicy: .bufferingNewest(1))
    let id = state.withLock { state -> Int in
      let id = state.nextWatcherID
      state.nextWatcherID += 1
      state.watchers[service, default: [:]][id] = continuation
      continuation.yield(state.statuses[service] ?? .serviceUnknown)
      return id
    }
    continuation.onTermination = { [weak self] _ in
      self?.state.withLock { _ = $0.watchers[service]?.removeValue(forKey: id) }
    }
    return stream
  }

  /// Ends every watch stream (at shutdown, after the final status was sent).
  public func finishWatchers() {
    let all = state.withLock { state -> [AsyncStream<ServingStatus>.Continuation] in
      defer { state.watchers = [:] }
      return state.watchers.values.flatMap { $0.values }
    }
    for continuation in all { continuation.finish() }
  }
}
