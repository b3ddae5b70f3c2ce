import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RPCCore
import RPCHTTP2
import Testing
import RPCTestSupport

/// Connect unary calls over cleartext HTTP/1.1 against the real server: answers, errors,
/// refusals, body limits, compression, keep-alive and pipelining, deadlines, cancellation.
@Suite struct ConnectUnaryTests {
  private func json(_ reply: HTTP1Reply) throws -> [String: String] {
    let object = try JSONSerialization.jsonObject(with: Data(reply.body.readableBytesView))
    return try #require(object as? [String: String])
  }

  @Test func aUnaryCallAnswers200WithTheBareMessage() async throws {
    let test = try await TestServer.start()
    let replies = try await HTTP1TestClient.exchange(port: test.port, [
      .connect(Echo.get, "hello", headers: [("x-tag", "t1"), ("connect-protocol-version", "1")]),
      .connect(Echo.inline, "fast"),
    ])
    #expect(replies.map(\.status) == [200, 200])
    #expect(replies.map(\.text) == ["hello [t1]", "inline:fast"])
    #expect(replies[0].headers.first(name: "content-type") == "application/proto")
    #expect(replies[0].headers.first(name: "content-length") == "10")
    await test.stop()
  }

  @Test func anErrorIsJSONWithTheConnectCodeAndItsHTTPStatus() async throws {
    let test = try await TestServer.start()
    let reply = try await HTTP1TestClient.call(port: test.port, .connect(Echo.fail, "x"))
    #expect(reply.status == 404)
    #expect(reply.headers.first(name: "content-type") == "application/json")
    #expect(try json(reply) == ["code": "not_found", "message": "no such thing: \"x\" — 100%"])
    await test.stop()
  }

  @Test func requestsThatAreNotCallsGetTheHTTPStatusTheSpecsName() async throws {
    let test = try await TestServer.start()
    let replies = try await HTTP1TestClient.exchange(port: test.port, [
      HTTP1Request("/test.Echo/Nope", body: ByteBuffer(string: "x")),
      HTTP1Request(Echo.get.path, contentType: nil, method: .GET),
      HTTP1Request(Echo.get.path, contentType: "text/plain", body: ByteBuffer(string: "x")),
      HTTP1Request(Echo.get.path, contentType: "application/json", body: ByteBuffer(string: "{}")),
      HTTP1Request(Echo.count.path, body: ByteBuffer(string: "2")),  // a stream as Connect unary
      .connect(Echo.get, "still served"),
    ])
    #expect(replies.map(\.status) == [501, 405, 415, 415, 415, 200])
    #expect(try json(replies[0])["code"] == "unimplemented")
    #expect(replies[1].headers.first(name: "allow") == "POST")
    #expect(replies[2].headers.first(name: "accept-post")?.contains("application/proto") == true)
    #expect(replies[5].text == "still served")
    await test.stop()
  }

  @Test func gRPCOverHTTP1IsRefusedWith505AndTheConnectionClosed() async throws {
    let test = try await TestServer.start()
    try await HTTP1TestClient.with(port: test.port) { connection in
      try await connection.send(
        .enveloped(Echo.get, "x", contentType: "application/grpc"))
      let reply = try #require(try await connection.reply())
      #expect(reply.status == 505)
      #expect(reply.text.contains("HTTP/2"))
      #expect(reply.text.contains("application/grpc-web+proto"))
      #expect(await connection.isClosedByServer())
    }
    await test.stop()
  }

  @Test func aClientStreamingMethodIsRefusedWith505() async throws {
    let test = try await TestServer.start()
    let reply = try await HTTP1TestClient.call(
      port: test.port, .enveloped(Echo.chat, "x", contentType: "application/grpc-web+proto"))
    #expect(reply.status == 505)
    await test.stop()
  }

  @Test(arguments: [true, false])
  func aBodyOverTheLimitIsRefusedBeforeItIsBuffered(contentLength: Bool) async throws {
    var limits = ServerConfiguration.Limits()
    limits.maxMessageSize = 1024
    let test = try await TestServer.start(limits: limits)
    try await HTTP1TestClient.with(port: test.port) { connection in
      var request = HTTP1Request.connect(Echo.get, String(repeating: "a", count: 600))
      request.parts.append(ByteBuffer(string: String(repeating: "b", count: 600)))
      request.contentLength = contentLength
      try await connection.send(request)
      let reply = try #require(try await connection.reply())
      #expect(reply.status == 429)
      #expect(try json(reply)["code"] == "resource_exhausted")
      #expect(reply.headers.first(name: "connection") == "close")
      #expect(await connection.isClosedByServer())
    }
    // Exactly at the limit is served.
    let reply = try await HTTP1TestClient.call(
      port: test.port, .connect(Echo.get, String(repeating: "c", count: 1024)))
    #expect(reply.status == 200)
    await test.stop()
  }

  @Test func gzipRequestsAreInflatedWithinTheLimitAndRepliesGzippedWhenAccepted() async throws {
    var limits = ServerConfiguration.Limits()
    limits.maxMessageSize = 64 << 10
    let test = try await TestServer.start(limits: limits)
    let text = String(repeating: "compressible ", count: 1000)
    var gzipped = ByteBuffer()
    try Zlib.compress(ByteBuffer(string: text), into: &gzipped)
    var bomb = ByteBuffer()
    try Zlib.compress(ByteBuffer(repeating: 0, count: 8 << 20), into: &bomb)
    let replies = try await HTTP1TestClient.exchange(port: test.port, [
      HTTP1Request(
        Echo.get.path, body: gzipped,
        headers: [("content-encoding", "gzip"), ("accept-encoding", "gzip")]),
      HTTP1Request(Echo.get.path, body: bomb, headers: [("content-encoding", "gzip")]),
      HTTP1Request(Echo.get.path, body: gzipped, headers: [("content-encoding", "br")]),
    ])
    #expect(replies.map(\.status) == [200, 429, 501])
    #expect(replies[0].headers.first(name: "content-encoding") == "gzip")
    let inflated = try Zlib.decompress(replies[0].body, limit: 1 << 20)
    #expect(String(buffer: inflated) == text)
    await test.stop()
  }

  @Test func pipelinedRequestsRunOneAtATimeAndAnswerInOrder() async throws {
    let test = try await TestServer.start()
    let replies = Task {
      try await HTTP1TestClient.exchange(port: test.port, [
        .connect(Echo.hold, "first"), .connect(Echo.get, "second"), .connect(Echo.inline, "third"),
      ])
    }
    #expect(await test.probe.wait(for: "holding:first"))
    test.probe.record("release")
    let answered = try await replies.value
    #expect(answered.map(\.text) == ["released first", "second", "inline:third"])
    await test.stop()
  }

  @Test func connectionCloseIsHonoured() async throws {
    let test = try await TestServer.start()
    try await HTTP1TestClient.with(port: test.port) { connection in
      try await connection.send(.connect(Echo.get, "bye", headers: [("connection", "close")]))
      let reply = try #require(try await connection.reply())
      #expect(reply.text == "bye")
      #expect(reply.headers.first(name: "connection") == "close")
      #expect(await connection.isClosedByServer())
    }
    await test.stop()
  }

  @Test func theDeadlineEndsTheCallWithDeadlineExceeded() async throws {
    let test = try await TestServer.start()
    let reply = try await HTTP1TestClient.call(
      port: test.port, .connect(Echo.slow, "late", headers: [("connect-timeout-ms", "200")]))
    #expect(reply.status == 504)
    #expect(try json(reply)["code"] == "deadline_exceeded")
    #expect(await test.probe.wait(for: "cancelled:late"))
    let bad = try await HTTP1TestClient.call(
      port: test.port, .connect(Echo.get, "x", headers: [("connect-timeout-ms", "soon")]))
    #expect(bad.status == 400)
    await test.stop()
  }

  @Test func aStalledRequestBodyClosesTheConnectionAfterTheIdleTimeout() async throws {
    var limits = ServerConfiguration.Limits()
    // 1 s: the client's next request head must reach the server within it after the first
    // reply (300 ms was missed once on a loaded machine: the connection closed idle first)
    limits.idleTimeout = .seconds(1)
    let test = try await TestServer.start(limits: limits)
    try await HTTP1TestClient.with(port: test.port) { connection in
      // A keep-alive connection outlives the idle timeout while its call runs.
      try await connection.send(.connect(Echo.hold, "long"))
      #expect(await test.probe.wait(for: "holding:long"))
      try await Task.sleep(for: .milliseconds(1500))  // longer than the idle timeout, on purpose
      test.probe.record("release")
      #expect(try await connection.reply()?.text == "released long")
      // Then a request whose body never completes: closed, though the head came in time.
      try await connection.outbound.write(
        .head(HTTPRequestHead(
          version: .http1_1, method: .POST, uri: Echo.get.path,
          headers: ["host": "localhost", "content-type": "application/proto", "content-length": "10"])))
      try await connection.outbound.write(.body(.byteBuffer(ByteBuffer(string: "abc"))))
      let start = ContinuousClock.now
      #expect(await connection.isClosedByServer())
      #expect(ContinuousClock.now - start < .seconds(10))
    }
    await test.stop()
  }

  @Test func closingTheConnectionCancelsTheCall() async throws {
    let test = try await TestServer.start()
    try await HTTP1TestClient.with(port: test.port) { connection in
      try await connection.send(.connect(Echo.slow, "abandoned"))
      #expect(await test.probe.wait(for: "started:abandoned"))
    }
    #expect(await test.probe.wait(for: "cancelled:abandoned"))
    await test.stop()
  }

  @Test func anAuthorizationHeaderIsPassedOnAndNeverLogged() async throws {
    let recorder = LogRecorder()
    var logger = Logger(label: "test") { _ in LogRecorder.Handler(recorder: recorder) }
    logger.logLevel = .trace
    let test = try await TestServer.start(logger: logger)
    let token = "Bearer sEcReT-t0ken-\(UUID().uuidString)"
    let replies = try await HTTP1TestClient.exchange(port: test.port, [
      .connect(Echo.get, "with token", headers: [("authorization", token)]),
      .connect(Echo.fail, "with token", headers: [("authorization", token)]),
      HTTP1Request("/test.Echo/Nope", body: ByteBuffer(string: "x"), headers: [("authorization", token)]),
    ])
    #expect(replies.map(\.status) == [200, 404, 501])
    #expect(replies[0].text == "with token [authorized]")
    await test.stop()
    #expect(!recorder.all.isEmpty)  // the server did log at trace level
    #expect(!recorder.all.contains("sEcReT"))
  }
}
