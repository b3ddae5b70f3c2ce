public import RPCCore

/// The access log: one line per finished RPC call at `info`, labelled `clusterpool.access`,
/// whatever its transport and outcome, in the server's log format (``ServerLogHandler``'s
/// text or json line, the same keys), written through the server's ``LogWriter``. The message
/// is `<service>/<method> <CODE>`; the fields: `method` (`/service/method`), `code` (its name,
/// e.g. `NOT_FOUND`), `duration_ms`, `peer`, `protocol` (`grpc`, `grpc-web`, `connect`,
/// `http`), `http` (`2`, `1.1`), `request_id`, `request_bytes`, `response_bytes`, and when
/// known `organization`, `subject`, `trace_id`; a failed call's status message as `error`.
///
/// It writes its line itself, as bytes at the end of the writer's pending batch (no `Logger`, no
/// metadata dictionary, no `String` per call), the timestamp made once a second. Nothing
/// secret reaches it: a ``CallRecord`` carries no header value but the request and trace
/// ids, and status messages never quote a credential.
public final class AccessLog: CallObserver {
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
    // the record is passed along, not captured: a closure capturing it copied it (every string retained)
    case .text: writer.writeLine(record) { Self.text($0, into: &$1) }
    case .json: writer.writeLine(record) { Self.json($0, into: &$1) }
    }
  }

  /// `<time> info clusterpool.access: <key=value ...> [ClusterPoolServer] <message>`, the
  /// fields sorted by key, as the log handler writes metadata.
  static func text(_ record: CallRecord, into line: inout LogLine) {
    let code = RPCStatusCode(rawValue: record.code).name
    line.appendLocalTime()
    line.append(literal: " info clusterpool.access: code=")
    line.append(code)
    line.append(literal: " duration_ms=")
    appendMilliseconds(nanoseconds: record.nanoseconds, to: &line)
    if let error = failure(record) {
      line.append(literal: " error=")
      line.append(error)
    }
    line.append(literal: " http=")
    line.append(record.httpVersion)
    line.append(literal: " method=/")
    line.append(record.service)
    line.append(byte: UInt8(ascii: "/"))
    line.append(record.method)
    if let organization = record.organization {
      line.append(literal: " organization=")
      line.append(organization)
    }
    line.append(literal: " peer=")
    line.append(record.peer)
    line.append(literal: " protocol=")
    line.append(record.wireProtocol)
    line.append(literal: " request_bytes=")
    line.append(decimal: record.requestBytes)
    line.append(literal: " request_id=")
    line.append(record.requestID)
    line.append(literal: " response_bytes=")
    line.append(decimal: record.responseBytes)
    if let subject = record.subject {
      line.append(literal: " subject=")
      line.append(subject)
    }
    if let traceID = record.traceID {
      line.append(literal: " trace_id=")
      line.append(traceID)
    }
    line.append(literal: " [ClusterPoolServer] ")
    line.append(record.service)
    line.append(byte: UInt8(ascii: "/"))
    line.append(record.method)
    line.append(byte: UInt8(ascii: " "))
    line.append(code)
    line.append(byte: UInt8(ascii: "\n"))
  }

  /// One JSON object: `time`, `level`, `logger`, `message`, then the fields sorted by key.
  static func json(_ record: CallRecord, into line: inout LogLine) {
    let code = RPCStatusCode(rawValue: record.code).name
    line.append(literal: "{\"time\":\"")
    line.appendUTCTime()
    line.append(literal: "\",\"level\":\"info\",\"logger\":\"clusterpool.access\",\"message\":")
    line.append(byte: UInt8(ascii: "\""))
    line.appendEscaped(record.service)
    line.append(byte: UInt8(ascii: "/"))
    line.appendEscaped(record.method)
    line.append(byte: UInt8(ascii: " "))
    line.append(code)
    line.append(byte: UInt8(ascii: "\""))
    line.append(literal: ",\"code\":\"")
    line.append(code)
    line.append(literal: "\",\"duration_ms\":\"")
    appendMilliseconds(nanoseconds: record.nanoseconds, to: &line)
    line.append(byte: UInt8(ascii: "\""))
    if let error = failure(record) {
      line.append(literal: ",\"error\":")
      line.appendJSON(error)
    }
    line.append(literal: ",\"http\":")
    line.appendJSON(record.httpVersion)
    line.append(literal: ",\"method\":\"/")
    line.appendEscaped(record.service)
    line.append(byte: UInt8(ascii: "/"))
    line.appendEscaped(record.method)
    line.append(byte: UInt8(ascii: "\""))
    if let organization = record.organization {
      line.append(literal: ",\"organization\":")
      line.appendJSON(organization)
    }
    line.append(literal: ",\"peer\":")
    line.appendJSON(record.peer)
    line.append(literal: ",\"protocol\":")
    line.appendJSON(record.wireProtocol)
    line.append(literal: ",\"request_bytes\":\"")
    line.append(decimal: record.requestBytes)
    line.append(literal: "\",\"request_id\":")
    line.appendJSON(record.requestID)
    line.append(literal: ",\"response_bytes\":\"")
    line.append(decimal: record.responseBytes)
    line.append(byte: UInt8(ascii: "\""))
    if let subject = record.subject {
      line.append(literal: ",\"subject\":")
      line.appendJSON(subject)
    }
    if let traceID = record.traceID {
      line.append(literal: ",\"trace_id\":")
      line.appendJSON(traceID)
    }
    line.append(literal: "}\n")
  }

  /// A failed call's status message, when it has one.
  private static func failure(_ record: CallRecord) -> String? {
    guard record.code != 0, let error = record.message, !error.isEmpty else { return nil }
    return error
  }

  /// Appends milliseconds with three decimals (microseconds), e.g. `0.412`.
  static func appendMilliseconds(_ duration: Duration, to line: inout LogLine) {
    let (seconds, attoseconds) = duration.components
    appendMilliseconds(nanoseconds: seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000, to: &line)
  }

  /// Appends `nanoseconds` as milliseconds with three decimals (microseconds), e.g. `0.412`.
  static func appendMilliseconds(nanoseconds: Int64, to line: inout LogLine) {
    let micros = max(0, nanoseconds / 1000)
    let fraction = micros % 1000
    line.append(decimal: Int(micros / 1000))
    line.append(byte: UInt8(ascii: "."))
    line.append(byte: UInt8(truncatingIfNeeded: 0x30 + fraction / 100))
    line.append(byte: UInt8(truncatingIfNeeded: 0x30 + fraction / 10 % 10))
    line.append(byte: UInt8(truncatingIfNeeded: 0x30 + fraction % 10))
  }
}
