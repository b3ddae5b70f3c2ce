public import Logging
public import RPCCore

/// The access log: one line per finished RPC call at `info`, under the label
/// `clusterpool.access`, whatever its transport and outcome. The message is
/// `<service>/<method> <CODE>`; the metadata: `method` (`/service/method`), `code` (its name,
/// e.g. `NOT_FOUND`), `duration_ms`, `peer`, `protocol` (`grpc`, `grpc-web`, `connect`,
/// `http`), `http` (`2`, `1.1`), `request_id`, `request_bytes`, `response_bytes`, and when
/// known `organization`, `subject`, `trace_id`; a failed call's status message as `error`.
///
/// Nothing secret reaches it: a ``CallRecord`` carries no header field but the request and
/// trace ids, and status messages never quote a credential.
public struct AccessLog: CallObserver {
  /// The label of the access log's lines.
  public static let label = "clusterpool.access"
  private let logger: Logger

  /// Writes through `logger` (its label is usually ``label``).
  public init(logger: Logger) {
    self.logger = logger
  }

  public func callFinished(_ record: CallRecord) {
    guard logger.logLevel <= .info else { return }
    let code = RPCStatusCode(rawValue: record.code)
    var metadata: Logger.Metadata = [
      "method": "/\(record.service)/\(record.method)",
      "code": "\(code.name)",
      "duration_ms": "\(Self.milliseconds(record.duration))",
      "peer": "\(record.peer)",
      "protocol": "\(record.wireProtocol)",
      "http": "\(record.httpVersion)",
      "request_id": "\(record.requestID)",
      "request_bytes": "\(record.requestBytes)",
      "response_bytes": "\(record.responseBytes)",
    ]
    if let organization = record.organization { metadata["organization"] = "\(organization)" }
    if let subject = record.subject { metadata["subject"] = "\(subject)" }
    if let traceID = record.traceID { metadata["trace_id"] = "\(traceID)" }
    if record.code != 0, let message = record.message, !message.isEmpty { metadata["error"] = "\(message)" }
    logger.info("\(record.service)/\(record.method) \(code.name)", metadata: metadata)
  }

  /// Milliseconds with three decimals (microseconds), e.g. `0.412`.
  static func milliseconds(_ duration: Duration) -> String {
    let micros = max(0, duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
    let fraction = micros % 1000
    let padded = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
    return "\(micros / 1000).\(padded)"
  }
}
