import ArgumentParser

/// The flags of the operator's endpoints (`/metrics`, `/healthz`, `/readyz`): always served on
/// the RPC port; with `--metrics-port`, also on a listener of their own (plain HTTP/1.1 and
/// HTTP/2 without TLS) that serves nothing else.
struct MetricsOptions: ParsableArguments {
  @Option(help: "Also serve /metrics, /healthz and /readyz (only those) on this port, plain HTTP without TLS (0 picks a free one).")
  var metricsPort: Int?

  @Option(help: "Address of the --metrics-port listener.")
  var metricsHost = "127.0.0.1"

  func validate() throws {
    if let metricsPort, !(0...65535).contains(metricsPort) {
      throw ValidationError("--metrics-port must be 0...65535")
    }
  }
}
