import ClusterPoolProto
import CoreMetrics
import Prometheus
import RPCCore
import Testing

@testable import ClusterPoolServer

/// CallMetrics fed CallRecords (no server): counts by service, method, protocol and code, one
/// latency sample per call, and unserved methods under `unknown`.
struct CallMetricsTests {
  let get = MethodDescriptor(service: "cloudidl.clusterpool.ClusterPoolService", method: "Get")
  let create = MethodDescriptor(service: "cloudidl.clusterpool.ClusterPoolService", method: "Create")

  func record(_ method: MethodDescriptor, _ wireProtocol: String, _ code: Int, micros: Int64 = 300) -> CallRecord {
    CallRecord(
      service: method.service, method: method.method, wireProtocol: wireProtocol, httpVersion: "2", code: code, message: nil,
      duration: .microseconds(micros), peer: "127.0.0.1:1", requestID: "r", traceID: nil, organization: nil, subject: nil,
      requestBytes: 0, responseBytes: 0)
  }

  /// What `/metrics` shows of `metrics`: the registry after ``CallMetrics/collect()``, then the
  /// latency histogram CallMetrics writes itself.
  func scrape(_ metrics: CallMetrics, _ registry: PrometheusCollectorRegistry) -> String {
    metrics.collect()
    var text = registry.emitToBuffer()
    metrics.appendLatency(to: &text)
    return String(decoding: text, as: UTF8.self)
  }

  /// The value of the sample line starting with `series` (`name{labels}`), nil when absent.
  func sample(_ text: String, _ series: String) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
      return Double(line.dropFirst(series.count + 1))
    }
    return nil
  }

  @Test func countsCallsByMethodProtocolAndCode() {
    let registry = PrometheusCollectorRegistry()
    let metrics = CallMetrics(methods: [get, create], factory: PrometheusMetricsFactory(registry: registry))
    for _ in 0..<3 { metrics.callFinished(record(get, "grpc", 0)) }
    for _ in 0..<2 { metrics.callFinished(record(get, "connect", 5)) }
    metrics.callFinished(record(create, "grpc", 3, micros: 2_000))
    metrics.callFinished(record(MethodDescriptor(service: "made.Up", method: "Nope"), "grpc-web", 12))
    metrics.callFinished(record(get, "grpc", 99))
    let text = scrape(metrics, registry)
    let service = "service=\"cloudidl.clusterpool.ClusterPoolService\""
    #expect(sample(text, "clusterpool_calls_total{\(service),method=\"Get\",protocol=\"grpc\",code=\"OK\"}") == 3)
    #expect(sample(text, "clusterpool_calls_total{\(service),method=\"Get\",protocol=\"connect\",code=\"NOT_FOUND\"}") == 2)
    #expect(sample(text, "clusterpool_calls_total{\(service),method=\"Create\",protocol=\"grpc\",code=\"INVALID_ARGUMENT\"}") == 1)
    #expect(sample(text, "clusterpool_calls_total{service=\"unknown\",method=\"unknown\",protocol=\"grpc-web\",code=\"UNIMPLEMENTED\"}") == 1)
    #expect(sample(text, "clusterpool_calls_total{\(service),method=\"Get\",protocol=\"grpc\",code=\"UNKNOWN\"}") == 1)
    #expect(!text.contains("made.Up"), "a client's path became a label value")
    #expect(sample(text, "clusterpool_call_duration_seconds_count{\(service),method=\"Get\"}") == 6)
    #expect(sample(text, "clusterpool_call_duration_seconds_count{\(service),method=\"Create\"}") == 1)
    let sum = sample(text, "clusterpool_call_duration_seconds_sum{\(service),method=\"Create\"}") ?? 0
    #expect(abs(sum - 0.002) < 1e-9)
    #expect(!text.contains("method=\"Delete\""))
  }

  /// Every method the API describes counts under its own labels, looked up by names that are
  /// equal but not the same strings as the table's; a name sharing a served one's lengths and
  /// first and last bytes (where its probe starts) is still `unknown`.
  @Test func everyServedMethodCountsUnderItsOwnLabels() {
    let registry = PrometheusCollectorRegistry()
    let metrics = CallMetrics(factory: PrometheusMetricsFactory(registry: registry))
    let methods = ProtoServices.all.flatMap { service in
      service.methods.map { MethodDescriptor(service: String(Array(service.fullName)), method: String(Array($0.name))) }
    }
    #expect(methods.count > 20)
    for (index, method) in methods.enumerated() {
      for _ in 0...index % 3 { metrics.callFinished(record(method, "grpc", 0)) }
    }
    metrics.callFinished(record(MethodDescriptor(service: "cloudidl.clusterpool.ClusterPoolService", method: "Gxt"), "grpc", 0))
    let text = scrape(metrics, registry)
    for (index, method) in methods.enumerated() {
      let series = "clusterpool_calls_total{service=\"\(method.service)\",method=\"\(method.method)\",protocol=\"grpc\",code=\"OK\"}"
      #expect(sample(text, series) == Double(index % 3 + 1), "\(series)")
    }
    #expect(sample(text, "clusterpool_calls_total{service=\"unknown\",method=\"unknown\",protocol=\"grpc\",code=\"OK\"}") == 1)
  }

  /// The latency family reads as swift-prometheus writes a histogram fed the same durations
  /// (its own lines, sorted: the registry lists series in no fixed order), whatever the thread
  /// that counted them; a second scrape adds only the calls since the first.
  @Test func latencyHistogramReadsAsSwiftPrometheusWritesIt() async {
    let registry = PrometheusCollectorRegistry()
    let metrics = CallMetrics(methods: [get, create], factory: PrometheusMetricsFactory(registry: registry))
    let reference = PrometheusCollectorRegistry()
    let durations: [Duration] = [
      .microseconds(1), .microseconds(100), .microseconds(101), .microseconds(999), .milliseconds(2.5), .seconds(3),
      .seconds(10), .seconds(11), .microseconds(123_457),
    ]
    var histograms: [String: DurationHistogram] = [:]
    for method in [get, create] {
      histograms[method.method] = reference.makeDurationHistogram(
        name: CallMetrics.durationLabel, labels: [("service", method.service), ("method", method.method)],
        buckets: CallMetrics.latencyBuckets)
    }
    await withTaskGroup(of: Void.self) { group in
      for (index, duration) in durations.enumerated() {
        let method = index % 3 == 0 ? create : get
        histograms[method.method]?.record(duration)
        group.addTask {
          let (seconds, attoseconds) = duration.components
          metrics.callFinished(record(method, "grpc", 0, micros: seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
        }
      }
    }
    func latencyLines(_ text: String) -> [Substring] {
      text.split(separator: "\n").filter { $0.contains(CallMetrics.durationLabel) }.sorted()
    }
    let wanted = latencyLines(reference.emitToString())
    let seen = latencyLines(scrape(metrics, registry))
    #expect(seen.count == 2 * (CallMetrics.latencyBuckets.count + 3) + 1)
    #expect(seen == wanted)
    metrics.callFinished(record(get, "grpc", 0, micros: 50))
    let again = scrape(metrics, registry)
    let series = "clusterpool_calls_total{service=\"\(get.service)\",method=\"Get\",protocol=\"grpc\",code=\"OK\"}"
    #expect(sample(again, series) == 7)
    #expect(sample(again, "clusterpool_call_duration_seconds_count{service=\"\(get.service)\",method=\"Get\"}") == 7)
  }
}
