internal import ClusterPoolProto
public import CoreMetrics
public import RPCCore
internal import Synchronization

/// The call families of `/metrics`, fed by every finished call (a ``CallObserver``):
/// `clusterpool_calls_total{service,method,protocol,code}` and the latency histogram
/// `clusterpool_call_duration_seconds{service,method}`.
///
/// The hot path is one lookup in a dictionary fixed at start (no lock), then an array slot
/// behind the method's own lock (uncontended but for calls of one method finishing at once on
/// two event loops); a counter is made on a slot's first call, so the exposition lists only
/// the methods called and the (protocol, code) pairs that happened. Calls to methods the
/// registry does not serve count under `unknown`: a label's values stay bounded whatever
/// paths clients send.
///
/// Data-plane reports also count in `clusterpool_heartbeats_received_total{kind}` (`heartbeat`:
/// ClusterService/Heartbeat, `status`: ClusterService/UpdateStatus), whatever their outcome.
public final class CallMetrics: CallObserver {
  /// The counter's name.
  public static let callsLabel = "clusterpool_calls_total"
  /// The latency histogram's name (seconds; buckets are the metrics backend's to choose).
  public static let durationLabel = "clusterpool_call_duration_seconds"
  /// The data-plane reports' counter.
  public static let heartbeatsLabel = "clusterpool_heartbeats_received_total"
  /// The protocols labelled, in slot order; anything else counts as `other`.
  static let protocols = ["grpc", "grpc-web", "connect", "other"]
  /// gRPC's codes 0...16; another number counts as 2 (UNKNOWN).
  static let codeCount = 17

  /// One method's metrics, each made on the method's first call that needs it.
  final class Method: Sendable {
    struct Handles {
      var counters: [Counter?] = Array(repeating: nil, count: CallMetrics.protocols.count * CallMetrics.codeCount)
      var latency: CoreMetrics.Timer?
    }

    let service: String
    let method: String
    let factory: any MetricsFactory
    /// Counts the method's calls in a family of its own too (Heartbeat, UpdateStatus).
    let received: Counter?
    private let handles = Mutex(Handles())

    init(service: String, method: String, factory: any MetricsFactory) {
      self.service = service
      self.method = method
      self.factory = factory
      let kind: String? =
        switch (service, method) {
        case (ClusterService.serviceName, "Heartbeat"): "heartbeat"
        case (ClusterService.serviceName, "UpdateStatus"): "status"
        default: nil
        }
      received = kind.map { Counter(label: CallMetrics.heartbeatsLabel, dimensions: [("kind", $0)], factory: factory) }
    }

    /// The counter of one (protocol slot, code) and the latency timer.
    func handles(protocol slot: Int, code: Int) -> (Counter, CoreMetrics.Timer) {
      handles.withLock { handles in
        let index = slot * CallMetrics.codeCount + code
        let counter: Counter
        if let made = handles.counters[index] {
          counter = made
        } else {
          counter = Counter(
            label: CallMetrics.callsLabel,
            dimensions: [
              ("service", service), ("method", method), ("protocol", CallMetrics.protocols[slot]),
              ("code", RPCStatusCode(rawValue: code).name),
            ], factory: factory)
          handles.counters[index] = counter
        }
        if let latency = handles.latency { return (counter, latency) }
        let latency = CoreMetrics.Timer(
          label: CallMetrics.durationLabel, dimensions: [("service", service), ("method", method)], factory: factory)
        handles.latency = latency
        return (counter, latency)
      }
    }
  }

  /// Each served method's metrics by service, then method name: fixed at init, read without a lock.
  private let methods: [String: [String: Method]]
  private let unknown: Method

  /// Metrics of every method the API describes (its compiled descriptors: what the server can
  /// serve), made by `factory`; usable before the services are registered.
  public convenience init(factory: any MetricsFactory = MetricsSystem.factory) {
    self.init(
      methods: ProtoServices.all.flatMap { service in
        service.methods.map { MethodDescriptor(service: service.fullName, method: $0.name) }
      }, factory: factory)
  }

  /// Metrics of `methods`, made by `factory`.
  public init(methods: [MethodDescriptor], factory: any MetricsFactory = MetricsSystem.factory) {
    var table: [String: [String: Method]] = [:]
    for descriptor in methods {
      table[descriptor.service, default: [:]][descriptor.method] = Method(
        service: descriptor.service, method: descriptor.method, factory: factory)
    }
    self.methods = table
    unknown = Method(service: "unknown", method: "unknown", factory: factory)
  }

  public func callFinished(_ record: CallRecord) {
    let method = methods[record.service]?[record.method] ?? unknown
    let slot: Int
    switch record.wireProtocol {
    case "grpc": slot = 0
    case "grpc-web": slot = 1
    case "connect": slot = 2
    default: slot = 3
    }
    let code = (0..<Self.codeCount).contains(record.code) ? record.code : 2
    let (counter, latency) = method.handles(protocol: slot, code: code)
    counter.increment()
    method.received?.increment()
    let (seconds, attoseconds) = record.duration.components
    latency.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
  }
}
