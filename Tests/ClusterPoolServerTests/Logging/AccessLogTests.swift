import Foundation
import RPCCore
import Testing

@testable import ClusterPoolServer

/// The access log's lines, written through a LogWriter into a file (no server): every field in
/// both formats, escaping in json, and the writer's drop-and-count past its limit.
struct AccessLogTests {
  /// A writer to a new temporary file, and a way to read what reached the file.
  func withFile(limit: Int = 8 << 20, _ body: (LogWriter) -> Void) -> String {
    let file = TemporaryLogFile(prefix: "access")
    defer { file.remove() }
    let writer = LogWriter(descriptor: file.descriptor, limit: limit)
    body(writer)
    writer.flush()
    return file.contents()
  }

  func record(code: Int = 0, message: String? = nil, method: String = "Get", full: Bool = false) -> CallRecord {
    CallRecord(
      service: "cloudidl.clusterpool.ClusterPoolService", method: method, wireProtocol: "grpc", httpVersion: "2",
      code: code, message: message, duration: .microseconds(1_234_056), peer: "127.0.0.1:5301", requestID: "req-1",
      traceID: full ? "0af7651916cd43dd8448eb211c80319c" : nil, organization: full ? "acme" : nil,
      subject: full ? "alice" : nil, requestBytes: 17, responseBytes: 1024)
  }

  /// The line without its timestamp (up to the first space in text, the time value in json).
  func untimed(_ line: Substring, json: Bool) -> String {
    if json {
      let rest = line.drop { $0 != "," }
      return "{\"time\":T" + rest
    }
    return "T" + line.drop { $0 != " " }
  }

  @Test func textLinesCarryEveryFieldSortedByKey() throws {
    let out = withFile { writer in
      let log = AccessLog(format: .text, writer: writer)
      log.callFinished(record())
      log.callFinished(record(code: 5, message: "no such pool \"p\"", full: true))
    }
    let lines = out.split(separator: "\n")
    try #require(lines.count == 2)
    #expect(untimed(lines[0], json: false) == "T info clusterpool.access: code=OK duration_ms=1234.056 http=2 "
      + "method=/cloudidl.clusterpool.ClusterPoolService/Get peer=127.0.0.1:5301 protocol=grpc request_bytes=17 "
      + "request_id=req-1 response_bytes=1024 [ClusterPoolServer] cloudidl.clusterpool.ClusterPoolService/Get OK")
    #expect(untimed(lines[1], json: false) == "T info clusterpool.access: code=NOT_FOUND duration_ms=1234.056 "
      + "error=no such pool \"p\" http=2 method=/cloudidl.clusterpool.ClusterPoolService/Get organization=acme "
      + "peer=127.0.0.1:5301 protocol=grpc request_bytes=17 request_id=req-1 response_bytes=1024 subject=alice "
      + "trace_id=0af7651916cd43dd8448eb211c80319c [ClusterPoolServer] cloudidl.clusterpool.ClusterPoolService/Get NOT_FOUND")
    // 2026-12-07T03:10:00+0000
    #expect(lines[0].prefix { $0 != " " }.count == 24)
  }

  @Test func jsonLinesEscapeWhatTheyQuote() throws {
    let out = withFile { writer in
      let log = AccessLog(format: .json, writer: writer)
      log.callFinished(record())
      log.callFinished(record(code: 3, message: "bad \"name\" \\ here\n\u{1}", method: "G\"et", full: true))
    }
    let lines = out.split(separator: "\n")
    try #require(lines.count == 2)
    let service = "cloudidl.clusterpool.ClusterPoolService"
    #expect(untimed(lines[0], json: true) == "{\"time\":T,\"level\":\"info\",\"logger\":\"clusterpool.access\","
      + "\"message\":\"\(service)/Get OK\",\"code\":\"OK\",\"duration_ms\":\"1234.056\",\"http\":\"2\","
      + "\"method\":\"/\(service)/Get\",\"peer\":\"127.0.0.1:5301\",\"protocol\":\"grpc\",\"request_bytes\":\"17\","
      + "\"request_id\":\"req-1\",\"response_bytes\":\"1024\"}")
    #expect(untimed(lines[1], json: true) == "{\"time\":T,\"level\":\"info\",\"logger\":\"clusterpool.access\","
      + "\"message\":\"\(service)/G\\\"et INVALID_ARGUMENT\",\"code\":\"INVALID_ARGUMENT\",\"duration_ms\":\"1234.056\","
      + "\"error\":\"bad \\\"name\\\" \\\\ here\\n\\u0001\",\"http\":\"2\",\"method\":\"/\(service)/G\\\"et\","
      + "\"organization\":\"acme\",\"peer\":\"127.0.0.1:5301\",\"protocol\":\"grpc\",\"request_bytes\":\"17\","
      + "\"request_id\":\"req-1\",\"response_bytes\":\"1024\",\"subject\":\"alice\","
      + "\"trace_id\":\"0af7651916cd43dd8448eb211c80319c\"}")
    for line in lines {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
      let time = try #require(object?["time"])
      #expect(time.count == 24 && time.hasSuffix("Z"))  // 2026-12-07T03:10:00.123Z
    }
  }

  @Test func linesPastTheLimitAreDroppedAndCounted() {
    let out = withFile(limit: 600) { writer in
      let log = AccessLog(format: .text, writer: writer)
      for _ in 0..<10 { log.callFinished(record()) }
    }
    let lines = out.split(separator: "\n")
    let kept = lines.filter { $0.contains("clusterpool.access") }
    #expect(kept.count == 2)  // each line is about 260 bytes
    #expect(lines.last == "clusterpool-server: 8 log lines dropped: standard error was not read fast enough")
  }

  @Test func durationsAreMillisecondsWithMicroseconds() {
    func text(_ duration: Duration) -> String {
      var line = LogLine()
      AccessLog.appendMilliseconds(duration, to: &line)
      return String(decoding: line.bytes, as: UTF8.self)
    }
    #expect(text(.microseconds(412)) == "0.412")
    #expect(text(.microseconds(5)) == "0.005")
    #expect(text(.nanoseconds(999)) == "0.000")
    #expect(text(.seconds(12) + .microseconds(30)) == "12000.030")
    #expect(text(.zero - .seconds(1)) == "0.000")
  }
}
