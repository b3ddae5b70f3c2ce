internal import ClusterPoolProto
public import CoreMetrics
public import RPCCore
internal import Synchronization

/// The call families of `/metrics`, fed by every finished call (a ``CallObserver``):
/// `clusterpool_calls_total{service,method,protocol,code}` and the latency histogram
/// `clusterpool_call_duration_seconds{service,method}`.
///
/// The hot path is one lookup in a table fixed at start (no lock, no hashing), then an array slot
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

  /// Each served method's metrics, fixed at init and read without a lock: an open-addressed
  /// table probed from ``probe(service:method:)``, a few byte reads instead of the two
  /// `String` hashes a dictionary lookup by service, then method, cost every call.
  private let table: [MethodEntry?]
  private let unknown: Method

  private struct MethodEntry {
    let service: String
    let method: String
    let metrics: Method
  }

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
    var size = 8
    while size < methods.count * 4 { size *= 2 }
    var table = [MethodEntry?](repeating: nil, count: size)
    for descriptor in methods {
      var index = Self.probe(service: descriptor.service, method: descriptor.method) & (size - 1)
      while let entry = table[index] {
        if entry.service == descriptor.service && entry.method == descriptor.method { break }
        index = (index + 1) & (size - 1)
      }
      table[index] = MethodEntry(
        service: descriptor.service, method: descriptor.method,
        metrics: Method(service: descriptor.service, method: descriptor.method, factory: factory))
    }
    self.table = table
    unknown = Method(service: "unknown", method: "unknown", factory: factory)
  }

  /// Where a method's probe starts: its names' lengths and the method's first and last bytes.
  private static func probe(service: String, method: String) -> Int {
    let utf8 = method.utf8
    let first = Int(utf8.first ?? 0), last = Int(utf8.last ?? 0)
    return service.utf8.count &* 61 &+ utf8.count &* 17 &+ first &* 5 &+ last &* 131
  }

  /// The metrics of `service`/`method`, else the `unknown` ones.
  private func metrics(service: String, method: String) -> Method {
    let mask = table.count - 1
    var index = Self.probe(service: service, method: method) & mask
    while let entry = table[index] {
      if entry.method == method && entry.service == service { return entry.metrics }
      index = (index + 1) & mask
    }
    return unknown
  }

  public func callFinished(_ record: CallRecord) {
    let method = metrics(service: record.service, method: record.method)
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
