public import CoreMetrics
public import RPCHTTP2

/// The transport's gauges, set when `/metrics` is scraped: `clusterpool_connections{http_version}`
/// (`2`, `1.1`; open client connections of the RPC port) and
/// `clusterpool_buffered_reply_bytes` (reply bytes encoded for clients that have not read
/// them yet, over every HTTP/2 connection).
public struct TransportGauges: Sendable {
  let census: TransportCensus
  let http2: Gauge
  let http1: Gauge
  let buffered: Gauge

  /// Gauges of `census` (an ``RPCServer``'s), made by `factory`.
  public init(census: TransportCensus, factory: any MetricsFactory = MetricsSystem.factory) {
    self.census = census
    http2 = Gauge(label: "clusterpool_connections", dimensions: [("http_version", "2")], factory: factory)
    http1 = Gauge(label: "clusterpool_connections", dimensions: [("http_version", "1.1")], factory: factory)
    buffered = Gauge(label: "clusterpool_buffered_reply_bytes", factory: factory)
  }

  /// Sets the gauges from the transport as it is now.
  public func update() {
    http2.record(census.http2Connections)
    http1.record(census.http1Connections)
    buffered.record(census.bufferedReplyBytes)
  }
}
