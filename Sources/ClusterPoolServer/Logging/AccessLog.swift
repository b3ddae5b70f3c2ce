public import RPCCore

/// The access log: one line per finished RPC call at `info`, labelled `clusterpool.access`,
/// whatever its transport and outcome, in the server's log format (``ServerLogHandler``'s
/// text or json line, the same keys), written through the server's ``LogWriter``. The message
/// is `<service>/<method> <CODE>`; the fields: `method` (`/service/method`), `code` (its name,
/// e.g. `NOT_FOUND`), `duration_ms`, `peer`, `protocol` (`grpc`, `grpc-web`, `connect`,
/// `http`), `http` (`2`, `1.1`), `request_id`, `request_bytes`, `response_bytes`, and when
/// known `organization`, `subject`, `trace_id`; a failed call's status message as `error`.
///
/// It formats its line itself rather than through a `Logger`, on the call's event loop: no
/// metadata dictionary per call, the timestamp made once a second. Nothing secret reaches
/// it: a ``CallRecord`` carries no header value but the request and trace ids, and status
/// messages never quote a credential.
public struct AccessLog: CallObserver {
  /// The label of the access log's lines.
  public static let label = "clusterpool.access"
  private let format: ServerLogHandler.Format
  private let writer: LogWriter
  private let clock = LogTimestamps()

  public init(format: ServerLogHandler.Format, writer: LogWriter = .standardError) {
    self.format = format
    self.writer = writer
  }

  public func callFinished(_ record: CallRecord) {
    let code = RPCStatusCode(rawValue: record.code).name
    let message = "\(record.service)/\(record.method) \(code)"
    // sorted by key, as the log handler writes metadata
    var fields: [(String, String)] = [("code", code), ("duration_ms", Self.milliseconds(record.duration))]
    fields.reserveCapacity(14)
    if record.code != 0, let error = record.message, !error.isEmpty { fields.append(("error", error)) }
    fields.append(("http", record.httpVersion))
    fields.append(("method", "/\(record.service)/\(record.method)"))
    if let organization = record.organization { fields.append(("organization", organization)) }
    fields.append(("peer", record.peer))
    fields.append(("protocol", record.wireProtocol))
    fields.append(("request_bytes", String(record.requestBytes)))
    fields.append(("request_id", record.requestID))
    fields.append(("response_bytes", String(record.responseBytes)))
    if let subject = record.subject { fields.append(("subject", subject)) }
    if let traceID = record.traceID { fields.append(("trace_id", traceID)) }
    var line: String
    switch format {
    case .text:
      line = clock.local()
      line += " info \(Self.label):"
      for (key, value) in fields {
        line += " "
        line += key
        line += "="
        line += value
      }
      line += " [ClusterPoolServer] "
      line += message
      line += "\n"
    case .json:
      line = "{\"time\":\"\(clock.utc())\",\"level\":\"info\",\"logger\":\"\(Self.label)\",\"message\":"
      JSONText.appendString(message, to: &line)
      for (key, value) in fields {
        line += ",\""
        line += key
        line += "\":"
        JSONText.appendString(value, to: &line)
      }
      line += "}\n"
    }
    writer.write(line)
  }

  /// Milliseconds with three decimals (microseconds), e.g. `0.412`.
  static func milliseconds(_ duration: Duration) -> String {
    let micros = max(0, duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
    let fraction = micros % 1000
    let padded = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
    return "\(micros / 1000).\(padded)"
  }
}
