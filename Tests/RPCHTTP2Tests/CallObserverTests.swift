import NIOCore
import RPCCore
@testable import RPCHTTP2
import ServiceLifecycle
import Synchronization
import Testing
import RPCTestSupport

@Suite struct CallObserverTests {
  static let grpc = [("content-type", "application/grpc"), ("te", "trailers")]

  @Test func everyHTTP2CallIsRecordedOnceWithItsCode() async throws {
    let observer = RecordingObserver()
    let test = try await TestServer.start(observers: [observer], authenticator: TokenAuthenticator())
    let raw = try await RawHTTP2Client.connect(port: test.port)
    var expected: [(method: String, code: Int)] = []

    // OK, with the client's request id and a trace id.
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    let ok = try await raw.request(
      path: Echo.get.path,
      headers: Self.grpc + [("x-request-id", "req-42"), ("traceparent", traceparent)],
      body: RawHTTP2Client.message("hi"))
    let okResponse = try #require(await raw.response(ok))
    #expect(okResponse.headers.first?["x-request-id"] == "req-42")
    expected.append(("Get", 0))
    // OK without one: a generated id, echoed.
    let generated = try #require(
      await raw.response(try await raw.request(path: Echo.inline.path, headers: Self.grpc, body: RawHTTP2Client.message("x"))))
    let generatedID = try #require(generated.headers.first?["x-request-id"])
    #expect(generatedID.count == 32 && generatedID.allSatisfy(\.isHexDigit))
    expected.append(("Inline", 0))
    // The handler's error.
    #expect(await rpcError { _ = try await test.unary(Echo.fail, "f") }?.code == .notFound)
    expected.append(("Fail", 5))
    // Unknown method, echoing the request id in a trailers-only answer.
    let unknown = try #require(
      await raw.response(
        try await raw.request(path: "/test.Echo/Nope", headers: Self.grpc + [("x-request-id", "unknown-1")], body: RawHTTP2Client.message("x"))))
    #expect(unknown.headers.first?["grpc-status"] == "12")
    #expect(unknown.headers.first?["x-request-id"] == "unknown-1")
    expected.append(("Nope", 12))
    // A content type not served: 415.
    let json = try #require(
      await raw.response(
        try await raw.request(path: Echo.get.path, headers: [("content-type", "application/json")], body: ByteBuffer())))
    #expect(json.headers.first?[":status"] == "415")
    expected.append(("Get", 2))
    // A bad message: an envelope cut short.
    var cut = ByteBuffer()
    cut.writeInteger(UInt8(0))
    cut.writeInteger(UInt32(10))
    cut.writeString("abc")
    let bad = try #require(await raw.response(try await raw.request(path: Echo.get.path, headers: Self.grpc, body: cut)))
    let badCode = try #require(bad.headers.last?["grpc-status"].flatMap { Int($0) })
    #expect(badCode != 0)
    expected.append(("Get", badCode))
    // Unauthenticated, and permission denied after the caller was named.
    let unauthenticated = try #require(
      await raw.response(
        try await raw.request(path: Echo.get.path, headers: Self.grpc + [("authorization", "Bearer bad")], body: RawHTTP2Client.message("x"))))
    #expect(unauthenticated.headers.first?["grpc-status"] == "16")
    expected.append(("Get", 16))
    _ = await raw.response(
      try await raw.request(path: Echo.get.path, headers: Self.grpc + [("authorization", "Bearer denied")], body: RawHTTP2Client.message("x")))
    expected.append(("Get", 7))
    _ = await raw.response(
      try await raw.request(path: Echo.get.path, headers: Self.grpc + [("authorization", "Bearer good")], body: RawHTTP2Client.message("x")))
    expected.append(("Get", 0))
    // Deadline exceeded.
    let late = try #require(
      await raw.response(
        try await raw.request(path: Echo.slow.path, headers: Self.grpc + [("grpc-timeout", "200m")], body: RawHTTP2Client.message("late"))))
    #expect(late.headers.last?["grpc-status"] == "4")
    expected.append(("Slow", 4))
    // Cancelled by the client: RST_STREAM, then a closed connection.
    let held = try await raw.request(path: Echo.slow.path, headers: Self.grpc, body: RawHTTP2Client.message("reset"))
    #expect(await test.probe.wait(for: "started:reset"))
    try await raw.reset(held)
    expected.append(("Slow", 1))
    #expect(await test.probe.wait(for: "cancelled:reset"))
    let other = try await RawHTTP2Client.connect(port: test.port)
    _ = try await other.request(path: Echo.slow.path, headers: Self.grpc, body: RawHTTP2Client.message("closed"))
    #expect(await test.probe.wait(for: "started:closed"))
    await other.close()
    expected.append(("Slow", 1))

    let records = await observer.settle(at: expected.count)
    #expect(records.map(\.method).sorted() == expected.map(\.method).sorted())
    #expect(
      records.map { "\($0.method):\($0.code)" }.sorted() == expected.map { "\($0.method):\($0.code)" }.sorted())
    #expect(records.allSatisfy { $0.httpVersion == "2" && $0.service == "test.Echo" && $0.peer.hasPrefix("127.0.0.1:") })
    let first = try #require(records.first { $0.requestID == "req-42" })
    #expect(first.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
    #expect(first.wireProtocol == "grpc" && first.code == 0 && first.responseBytes > 0 && first.requestBytes == 7)
    #expect(records.contains { $0.requestID == generatedID && $0.method == "Inline" })
    #expect(records.first { $0.method == "Fail" }?.message == "no such thing: \"f\" — 100%")
    #expect(records.first { $0.code == 2 }?.wireProtocol == "http")
    #expect(records.first { $0.code == 16 }.map { $0.organization == nil && $0.subject == nil } == true)
    #expect(records.first { $0.code == 7 }.map { ($0.organization, $0.subject) == ("acme", "mallory") } == true)
    #expect(records.contains { $0.code == 0 && $0.organization == "acme" && $0.subject == "alice" })
    #expect(records.filter { $0.traceID != nil }.count == 1)
    await raw.close()
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
    let raw = try await RawHTTP2Client.connect(port: port)
    _ = try await raw.request(path: Echo.slow.path, headers: Self.grpc, body: RawHTTP2Client.message("cut"))
    #expect(await probe.wait(for: "started:cut"))
    await group.triggerGracefulShutdown()
    try await running.value  // after the grace period, not after the call's 30 s
    let records = await observer.settle(at: 1)
    #expect(records.map(\.code) == [RPCStatusCode.unavailable.rawValue], "\(records)")
    await raw.close()
  }
}
