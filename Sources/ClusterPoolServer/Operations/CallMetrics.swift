internal import ClusterPoolProto
public import CoreMetrics
public import RPCCore
internal import Synchronization

/// The call families of `/metrics`, fed by every finished call (a ``CallObserver``):
/// `clusterpool_calls_total{service,method,protocol,code}` and the latency histogram
/// `clusterpool_call_duration_seconds{service,method}`.
///
/// A call is counted where it ends, in its thread's own counters (``ThreadCounters``): one
/// lookup in a table fixed at start (no lock, no hashing), then a few plain stores, no lock
/// and no shared cache line. A scrape adds the threads' counters up: ``collect()`` moves the
/// call counts into swift-metrics counters (made on a series' first count, so the exposition
/// lists only the methods called and the (protocol, code) pairs that happened), and
/// ``appendLatency(to:)`` writes the latency histogram as Prometheus text itself (swift-metrics
/// has no way to add a bucket's count at once), the lines swift-prometheus writes for a
/// histogram. Calls to methods the registry does not serve count under `unknown`: a label's
/// values stay bounded whatever paths clients send.
///
/// Data-plane reports also count in `clusterpool_heartbeats_received_total{kind}` (`heartbeat`:
/// ClusterService/Heartbeat, `status`: ClusterService/UpdateStatus), whatever their outcome.
public final class CallMetrics: CallObserver {
  /// The counter's name.
  public static let callsLabel = "clusterpool_calls_total"
  /// The latency histogram's name (seconds).
  public static let durationLabel = "clusterpool_call_duration_seconds"
  /// The data-plane reports' counter.
  public static let heartbeatsLabel = "clusterpool_heartbeats_received_total"
  /// The latency histogram's buckets: from 100 µs (a pool Get) to 10 s (long writes, streams aside).
  public static let latencyBuckets: [Duration] = [
    .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
    .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
    .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
  ]
  /// The protocols labelled, in slot order; anything else counts as `other`.
  static let protocols = ["grpc", "grpc-web", "connect", "other"]
  /// gRPC's codes 0...16; another number counts as 2 (UNKNOWN).
  static let codeCount = 17
  /// A method's call counters, one per (protocol, code).
  static let callSlots = protocols.count * codeCount

  /// One method: its names and, for the scrape, its swift-metrics counters.
  final class Method: Sendable {
    let service: String
    let method: String
    /// Where its counters start in a thread's block.
    let offset: Int
    /// Counts the method's calls in a family of its own too (Heartbeat, UpdateStatus).
    let received: Counter?

    init(service: String, method: String, offset: Int, factory: any MetricsFactory) {
      self.service = service
      self.method = method
      self.offset = offset
      let kind: String? =
        switch (service, method) {
        case (ClusterService.serviceName, "Heartbeat"): "heartbeat"
        case (ClusterService.serviceName, "UpdateStatus"): "status"
        default: nil
        }
      received = kind.map { Counter(label: CallMetrics.heartbeatsLabel, dimensions: [("kind", $0)], factory: factory) }
    }
  }

  /// What the scrapes moved into swift-metrics so far, per method: each (protocol, code)
  /// counter once made and the count it was given.
  struct Collected {
    var counters: [[Counter?]]
    var counted: [[UInt64]]
  }

  /// Each served method, fixed at init and read without a lock: an open-addressed table probed
  /// from ``probe(service:method:)``, a few byte reads instead of the two `String` hashes a
  /// dictionary lookup by service, then method, cost every call.
  private let table: [Method?]
  private let unknown: Method
  /// Every method, `unknown` last, in the order of their counters.
  let methods: [Method]
  let factory: any MetricsFactory
  /// The buckets' upper bounds in nanoseconds.
  let bounds: [Int64]
  /// Each method's counters in a thread's block: its call counts, then its latency buckets
  /// (not cumulative; the last one past every bound), then its latency sum in nanoseconds.
  let stride: Int
  let counters: ThreadCounters
  let collected: Mutex<Collected>

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
    bounds = Self.latencyBuckets.map { bound in
      let (seconds, attoseconds) = bound.components
      return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
    stride = Self.callSlots + bounds.count + 2
    var size = 8
    while size < methods.count * 4 { size *= 2 }
    var table = [Method?](repeating: nil, count: size)
    var all: [Method] = []
    for descriptor in methods {
      var index = Self.probe(service: descriptor.service, method: descriptor.method) & (size - 1)
      var known = false
      while let entry = table[index] {
        if entry.service == descriptor.service && entry.method == descriptor.method {
          known = true
          break
        }
        index = (index + 1) & (size - 1)
      }
      guard !known else { continue }
      let method = Method(
        service: descriptor.service, method: descriptor.method, offset: all.count * stride, factory: factory)
      table[index] = method
      all.append(method)
    }
    unknown = Method(service: "unknown", method: "unknown", offset: all.count * stride, factory: factory)
    all.append(unknown)
    self.table = table
    self.methods = all
    self.factory = factory
    counters = ThreadCounters(width: all.count * stride)
    collected = Mutex(
      Collected(
        counters: Array(repeating: Array(repeating: nil, count: Self.callSlots), count: all.count),
        counted: Array(repeating: Array(repeating: 0, count: Self.callSlots), count: all.count)))
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
      if entry.method == method && entry.service == service { return entry }
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
    let nanoseconds = max(0, record.nanoseconds)
    var bucket = 0
    bounds.withUnsafeBufferPointer { bounds in
      while bucket < bounds.count, bounds[bucket] < nanoseconds { bucket += 1 }
    }
    let block = counters.block()
    let offset = method.offset
    ThreadCounters.add(1, at: offset + slot * Self.codeCount + code, of: block)
    ThreadCounters.add(1, at: offset + Self.callSlots + bucket, of: block)
    ThreadCounters.add(UInt64(nanoseconds), at: offset + stride - 1, of: block)
    method.received?.increment()
  }
}
