internal import NIOCore
public import RPCCore

/// The operator's plain HTTP resources, served on the RPC port (HTTP/1.1 and HTTP/2) and on
/// the metrics port: `GET /metrics` (Prometheus text), `GET /healthz` (200 `ok` while the
/// process serves) and `GET /readyz` (200 `ok` when ready, else 503 with the reason). None of
/// them asks for credentials: load balancers and Prometheus call them without tokens, and
/// they tell nothing of any organization's objects.
public struct OperationsRoutes: Sendable {
  public static let metricsPath = "/metrics"
  public static let healthzPath = "/healthz"
  public static let readyzPath = "/readyz"
  /// The Prometheus text exposition format's content type.
  public static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

  let readiness: Readiness
  let exposition: (@Sendable () -> [UInt8])?
  let beforeScrape: @Sendable () -> Void

  /// Routes answering from `readiness`; `/metrics` is served when `exposition` is given (it
  /// renders the metrics as text), after `beforeScrape` has set the gauges counted on demand.
  public init(
    readiness: Readiness, exposition: (@Sendable () -> [UInt8])?, beforeScrape: @escaping @Sendable () -> Void = {}
  ) {
    self.readiness = readiness
    self.exposition = exposition
    self.beforeScrape = beforeScrape
  }

  /// Serves the routes from `registry` (before the server starts).
  public func register(in registry: MethodRegistry) {
    registry.register(HTTPRoute(path: Self.healthzPath, methods: ["GET"], maxBodySize: 0) { _ in
      Self.text("ok\n")
    })
    let readiness = self.readiness
    registry.register(HTTPRoute(path: Self.readyzPath, methods: ["GET"], maxBodySize: 0) { _ in
      guard let reason = await readiness.notReadyReason() else { return Self.text("ok\n") }
      return Self.text("not ready: \(reason)\n", status: 503)
    })
    if let exposition {
      let beforeScrape = self.beforeScrape
      registry.register(HTTPRoute(path: Self.metricsPath, methods: ["GET"], maxBodySize: 0) { _ in
        beforeScrape()
        let bytes = exposition()
        var body = ByteBuffer()
        body.writeBytes(bytes)
        return WireResponse(
          head: WireResponseHead(
            status: 200, fields: [("content-type", Self.metricsContentType), ("cache-control", "no-store")]),
          body: body)
      })
    }
  }

  static func text(_ text: String, status: Int = 200) -> WireResponse {
    WireResponse(
      head: WireResponseHead(
        status: status, fields: [("content-type", "text/plain; charset=utf-8"), ("cache-control", "no-store")]),
      body: ByteBuffer(string: text))
  }
}
