public import RPCCore

/// The access log: one line per finished RPC call at `info`, labelled `clusterpool.access`,
/// whatever its transport and outcome, in the server's log format (``ServerLogHandler``'s
/// text or json line, the same keys), written through the server's ``LogWriter``. The message
/// is `<service>/<method> <CODE>`; the fields: `method` (`/service/method`), `code` (its name,
/// e.g. `NOT_FOUND`), `duration_ms`, `peer`, `protocol` (`grpc`, `grpc-web`, `connect`,
/// `http`), `http` (`2`, `1.1`), `request_id`, `request_bytes`, `response_bytes`, and when
/// known `organization`, `subject`, `trace_id`; a failed call's status message as `error`.
///
/// It writes its line itself, as bytes in its thread's reused ``LogLine`` (no `Logger`, no
/// metadata dictionary, no `String` per call), the timestamp made once a second. Nothing
/// secret reaches it: a ``CallRecord`` carries no header value but the request and trace
/// ids, and status messages never quote a credential.
public struct AccessLog: CallObserver {
  /// The label of the access log's lines.
  public static let label = "clusterpool.access"
  private let format: ServerLogHandler.Format
  private let writer: LogWriter

  public init(format: ServerLogHandler.Format, writer: LogWriter = .standardError) {
    self.format = format
    self.writer = writer
  }

  public func callFinished(_ record: CallRecord) {
    switch format {
    case .text: writer.writeLine { Self.text(record, into: &$0) }
    case .json: writer.writeLine { Self.json(record, into: &$0) }
    }
  }

  /// `<time> info clusterpool.access: <key=value ...> [ClusterPoolServer] <message>`, the
  /// fields sorted by key, as the log handler writes metadata.
  static func text(_ record: CallRecord, into line: inout LogLine) {
    let code = RPCStatusCode(rawValue: record.code).name
    line.appendLocalTime()
    line.append(" info clusterpool.access: code=")
    line.append(code)
    line.append(" duration_ms=")
    appendMilliseconds(record.duration, to: &line)
    if let error = failure(record) {
      line.append(" error=")
      line.append(error)
    }
    line.append(" http=")
    line.append(record.httpVersion)
    line.append(" method=/")
    line.append(record.service)
    line.append("/")
    line.append(record.method)
    if let organization = record.organization {
      line.append(" organization=")
      line.append(organization)
    }
    line.append(" peer=")
    line.append(record.peer)
    line.append(" protocol=")
    line.append(record.wireProtocol)
    line.append(" request_bytes=")
    line.append(decimal: record.requestBytes)
    line.append(" request_id=")
    line.append(record.requestID)
    line.append(" response_bytes=")
    line.append(decimal: record.responseBytes)
    if let subject = record.subject {
      line.append(" subject=")
      line.append(subject)
    }
    if let traceID = record.traceID {
      line.append(" trace_id=")
      line.append(traceID)
    }
    line.append(" [ClusterPoolServer] ")
    line.append(record.service)
    line.append("/")
    line.append(record.method)
    line.append(" ")
    line.append(code)
    line.append("\n")
  }

  /// One JSON object: `time`, `level`, `logger`, `message`, then the fields sorted by key.
  static func json(_ record: CallRecord, into line: inout LogLine) {
    let code = RPCStatusCode(rawValue: record.code).name
    line.append("{\"time\":\"")
    line.appendUTCTime()
    line.append("\",\"level\":\"info\",\"logger\":\"clusterpool.access\",\"message\":")
    line.append("\"")
    line.appendEscaped(record.service)
    line.append("/")
    line.appendEscaped(record.method)
    line.append(" ")
    line.append(code)
    line.append("\"")
    line.append(",\"code\":\"")
    line.append(code)
    line.append("\",\"duration_ms\":\"")
    appendMilliseconds(record.duration, to: &line)
    line.append("\"")
    if let error = failure(record) {
      line.append(",\"error\":")
      line.appendJSON(error)
    }
    line.append(",\"http\":")
    line.appendJSON(record.httpVersion)
    line.append(",\"method\":\"/")
    line.appendEscaped(record.service)
    line.append("/")
    line.appendEscaped(record.method)
    line.append("\"")
    if let organization = record.organization {
      line.append(",\"organization\":")
      line.appendJSON(organization)
    }
    line.append(",\"peer\":")
    line.appendJSON(record.peer)
    line.append(",\"protocol\":")
    line.appendJSON(record.wireProtocol)
    line.append(",\"request_bytes\":\"")
    line.append(decimal: record.requestBytes)
    line.append("\",\"request_id\":")
    line.appendJSON(record.requestID)
    line.append(",\"response_bytes\":\"")
    line.append(decimal: record.responseBytes)
    line.append("\"")
    if let subject = record.subject {
      line.append(",\"subject\":")
      line.appendJSON(subject)
    }
    if let traceID = record.traceID {
      line.append(",\"trace_id\":")
      line.appendJSON(traceID)
    }
    line.append("}\n")
  }

  /// A failed call's status message, when it has one.
  private static func failure(_ record: CallRecord) -> String? {
    guard record.code != 0, let error = record.message, !error.isEmpty else { return nil }
    return error
  }

  /// Appends milliseconds with three decimals (microseconds), e.g. `0.412`.
  static func appendMilliseconds(_ duration: Duration, to line: inout LogLine) {
    let (seconds, attoseconds) = duration.components
    let micros = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    let fraction = micros % 1000
    line.append(decimal: Int(micros / 1000))
    line.append(byte: UInt8(ascii: "."))
    line.append(byte: UInt8(truncatingIfNeeded: 0x30 + fraction / 100))
    line.append(byte: UInt8(truncatingIfNeeded: 0x30 + fraction / 10 % 10))
    line.append(byte: UInt8(truncatingIfNeeded: 0x30 + fraction % 10))
  }
}
