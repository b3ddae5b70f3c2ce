import Foundation
import NIOCore
import RPCCore
import RPCHTTP2
import ServiceLifecycle
import Synchronization
import Testing
import RPCTestSupport

@Suite struct CallObserverTests {
  @Test func everyHTTP1CallIsRecordedOnceWithItsCode() async throws {
    let observer = RecordingObserver()
    let test = try await TestServer.start(observers: [observer], authenticator: TokenAuthenticator())
    var expected: [String] = []
    func call(_ request: HTTP1Request) async throws -> HTTP1Reply {
      try await HTTP1TestClient.call(port: test.port, request)
    }

    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    let ok = try await call(.connect(Echo.get, "hi", headers: [("x-request-id", "req-7"), ("traceparent", traceparent)]))
    #expect(ok.status == 200 && ok.headers.first(name: "x-request-id") == "req-7")
    expected.append("Get:0")
    let web = try await call(.enveloped(Echo.inline, "w", contentType: "application/grpc-web+proto"))
    let generatedID = try #require(web.headers.first(name: "x-request-id"))
    #expect(generatedID.count == 32 && generatedID.allSatisfy(\.isHexDigit))
    expected.append("Inline:0")
    // A stream, its id echoed in the head.
    let stream = try await call(
      .enveloped(Echo.count, "3", contentType: "application/connect+proto", headers: [("x-request-id", "s-1")]))
    #expect(stream.headers.first(name: "x-request-id") == "s-1")
    expected.append("Count:0")
    // An id too long or with spaces is replaced.
    let replaced = try await call(.connect(Echo.get, "r", headers: [("x-request-id", "has space")]))
    #expect(replaced.headers.first(name: "x-request-id")?.count == 32)
    expected.append("Get:0")
    #expect(try await call(.connect(Echo.fail, "f")).status == 404)
    expected.append("Fail:5")
    let unknown = try await call(.connect(MethodDescriptor(service: "test.Echo", method: "Nope"), "x", headers: [("x-request-id", "u-1")]))
    #expect(unknown.status == 501 && unknown.headers.first(name: "x-request-id") == "u-1")
    expected.append("Nope:12")
    #expect(try await call(HTTP1Request(Echo.get.path, contentType: "application/json")).status == 415)
    expected.append("Get:2")
    #expect(try await call(.enveloped(Echo.get, "g", contentType: "application/grpc")).status == 505)
    expected.append("Get:2")
    var cut = ByteBuffer()
    cut.writeInteger(UInt8(0))
    cut.writeInteger(UInt32(10))
    cut.writeString("abc")
    let bad = try await call(HTTP1Request(Echo.get.path, contentType: "application/grpc-web+proto", body: cut))
    let trailer = bad.frames.last?.text ?? ""
    let badCode = try #require(
      trailer.split(separator: "grpc-status:").last.flatMap { Int($0.drop { $0 == " " }.prefix { $0.isNumber }) },
      "\(bad.status) \(trailer)")
    #expect(badCode != 0)
    expected.append("Get:\(badCode)")
    #expect(try await call(.connect(Echo.get, "x", headers: [("authorization", "Bearer bad")])).status == 401)
    expected.append("Get:16")
    #expect(try await call(.connect(Echo.get, "x", headers: [("authorization", "Bearer denied")])).status == 403)
    expected.append("Get:7")
    #expect(try await call(.connect(Echo.get, "x", headers: [("authorization", "Bearer good")])).status == 200)
    expected.append("Get:0")
    // The server's deadline.
    let late = try await call(.connect(Echo.slow, "late", headers: [("connect-timeout-ms", "200")]))
    #expect(late.status == 504)
    expected.append("Slow:4")
    // The client closes the connection during the call.
    try await HTTP1TestClient.with(port: test.port) { connection in
      try await connection.send(.connect(Echo.slow, "gone"))
      #expect(await test.probe.wait(for: "started:gone"))
    }
    expected.append("Slow:1")

    let records = await observer.settle(at: expected.count)
    #expect(records.map { "\($0.method):\($0.code)" }.sorted() == expected.sorted())
    #expect(records.allSatisfy { $0.httpVersion == "1.1" && $0.service == "test.Echo" && $0.peer.hasPrefix("127.0.0.1:") })
    let first = try #require(records.first { $0.requestID == "req-7" })
    #expect(first.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
    #expect(first.wireProtocol == "connect" && first.requestBytes == 2 && first.responseBytes == 2)
    #expect(records.first { $0.requestID == generatedID }?.wireProtocol == "grpc-web")
    #expect(records.first { $0.method == "Fail" }?.message == "no such thing: \"f\" — 100%")
    #expect(records.first { $0.code == 7 }.map { ($0.organization, $0.subject) == ("acme", "mallory") } == true)
    #expect(records.contains { $0.code == 0 && $0.organization == "acme" && $0.subject == "alice" })
    await test.stop()
  }

  /// A client that has its answer finds its call recorded (what `/metrics` scraped right
  /// after counts), however slow an observer is: over HTTP/1.1 the answer is flushed at
  /// once, so observers run before it is written — unary answers, errors and refusals.
  @Test func aCallIsRecordedBeforeItsAnswerLeaves() async throws {
    let observer = SlowObserver()
    let test = try await TestServer.start(observers: [observer])
    #expect(try await HTTP1TestClient.call(port: test.port, .connect(Echo.get, "a")).status == 200)
    #expect(observer.records.count == 1)
    #expect(try await HTTP1TestClient.call(port: test.port, .connect(Echo.fail, "f")).status == 404)
    #expect(observer.records.count == 2)
    #expect(try await HTTP1TestClient.call(port: test.port, HTTP1Request(Echo.get.path, contentType: "application/json")).status == 415)
    #expect(observer.records.count == 3)
    await test.stop()
  }

  @Test func aCallCutByTheServersShutdownIsRecordedUnavailable() async throws {
    let observer = RecordingObserver()
    let probe = Probe()
    let server = RPCServer(
      configuration: ServerConfiguration(
        host: "127.0.0.1", port: 0, eventLoopThreads: 1, shutdownGracePeriod: .milliseconds(300),
        callObservers: [observer]),
      registry: Echo.registry(probe: probe), logger: TestServer.logger)
    let group = ServiceGroup(services: [server], logger: TestServer.logger)
    let running = Task { try await group.run() }
    let port = try await server.listeningAddress.port
    try await HTTP1TestClient.with(port: port) { connection in
      try await connection.send(.connect(Echo.slow, "cut"))
      #expect(await probe.wait(for: "started:cut"))
      await group.triggerGracefulShutdown()
      try await running.value  // after the grace period, not after the call's 60 s
      #expect(await connection.isClosedByServer())
    }
    let records = await observer.settle(at: 1)
    #expect(records.map(\.code) == [RPCStatusCode.unavailable.rawValue])
  }
}

/// Records each call 100 ms after it is told of it (blocking the event loop meanwhile).
final class SlowObserver: CallObserver {
  private let kept = Mutex<[CallRecord]>([])

  var records: [CallRecord] { kept.withLock { $0 } }

  func callFinished(_ record: CallRecord) {
    Thread.sleep(forTimeInterval: 0.1)
    kept.withLock { $0.append(record) }
  }
}
