public import CoreMetrics
public import RPCHTTP2

/// The transport's gauges, set when `/metrics` is scraped: `clusterpool_connections{http_version}`
/// (`2`, `1.1`; open client connections of the RPC port), `clusterpool_open_streams` (HTTP/2
/// streams of RPC calls in progress: unary calls being answered, open watches and bidi
/// calls; HTTP/1.1 has no streams and plain requests such as `/metrics` are not counted) and
/// `clusterpool_buffered_reply_bytes` (reply bytes encoded for clients that have not read
/// them yet, over every HTTP/2 connection).
public struct TransportGauges: Sendable {
  let census: TransportCensus
  let http2: Gauge
  let http1: Gauge
  let streams: Gauge
  let buffered: Gauge

  /// Gauges of `census` (an ``RPCServer``'s), made by `factory`.
  public init(census: TransportCensus, factory: any MetricsFactory = MetricsSystem.factory) {
    self.census = census
    http2 = Gauge(label: "clusterpool_connections", dimensions: [("http_version", "2")], factory: factory)
    http1 = Gauge(label: "clusterpool_connections", dimensions: [("http_version", "1.1")], factory: factory)
    streams = Gauge(label: "clusterpool_open_streams", factory: factory)
    buffered = Gauge(label: "clusterpool_buffered_reply_bytes", factory: factory)
  }

  /// Sets the gauges from the transport as it is now.
  public func update() {
    http2.record(census.http2Connections)
    http1.record(census.http1Connections)
    streams.record(census.http2Streams)
    buffered.record(census.bufferedReplyBytes)
  }
}
