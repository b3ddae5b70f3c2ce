import Foundation
import Logging
import NIOCore
import NIOPosix
import RPCCore
@testable import RPCHTTP2
import ServiceLifecycle
import Testing
import RPCTestSupport

@Suite struct LifecycleTests {
  @Test func gracefulShutdownLetsTheCallInFlightFinish() async throws {
    let probe = Probe()
    let configuration = ServerConfiguration(host: "127.0.0.1", port: 0, eventLoopThreads: 1)
    let server = RPCServer(
      configuration: configuration, registry: Echo.registry(probe: probe),
      logger: TestServer.logger)
    let group = ServiceGroup(services: [server], logger: TestServer.logger)
    let running = Task { try await group.run() }
    let port = try await server.listeningAddress.port
    let client = RPCClient(
      configuration: ClientConfiguration(host: "127.0.0.1", port: port), logger: TestServer.logger)
    let call = Task {
      try await client.unary(
        Echo.sleep, request: "700", serializer: UTF8Coder(), deserializer: UTF8Coder())
    }
    #expect(await probe.wait(for: "sleeping:700"))
    await group.triggerGracefulShutdown()
    #expect(try await call.value == "slept 700")
    try await running.value  // run() returned after the drain
    let after = await rpcError {
      _ = try await client.unary(
        Echo.get, request: "late", serializer: UTF8Coder(), deserializer: UTF8Coder())
    }
    #expect(after?.code == .unavailable)
    #expect(after?.message.contains("127.0.0.1:\(port)") == true)
    await client.close()
  }

  @Test func callsQueuedBehindTheStreamLimitEndWhenTheServerGoesAway() async throws {
    let probe = Probe()
    var limits = ServerConfiguration.Limits()
    limits.maxConcurrentStreams = 2
    let server = RPCServer(
      configuration: ServerConfiguration(
        host: "127.0.0.1", port: 0, limits: limits, eventLoopThreads: 1,
        shutdownGracePeriod: .seconds(120)),
      registry: Echo.registry(probe: probe), logger: TestServer.logger)
    let group = ServiceGroup(services: [server], logger: TestServer.logger)
    let running = Task { try await group.run() }
    let port = try await server.listeningAddress.port
    let client = RPCClient(
      configuration: ClientConfiguration(host: "127.0.0.1", port: port), logger: TestServer.logger)
    #expect(try await client.unary(
      Echo.get, request: "warm", serializer: UTF8Coder(), deserializer: UTF8Coder()) == "warm")
    // Two calls run (held until released), four wait for a stream slot in the client.
    let ended = Probe()
    let calls = (0..<6).map { index in
      Task {
        defer { ended.count() }
        return try await client.unary(
          Echo.hold, request: "\(index)", serializer: UTF8Coder(), deserializer: UTF8Coder())
      }
    }
    let holding = { probe.events.filter { $0.hasPrefix("holding:") }.count }
    #expect(await eventually { holding() == 2 })
    await group.triggerGracefulShutdown()
    // The GOAWAY ends the four queued calls while the two running ones are still held.
    #expect(await eventually { ended.counted == 4 })
    #expect(holding() == 2)
    probe.record("release")
    var succeeded = 0
    var unavailable = 0
    for call in calls {
      switch await call.result {
      case .success: succeeded += 1
      case .failure(let error as RPCError):
        if error.code == .unavailable { unavailable += 1 }
        #expect(error.metadata.isEmpty)
      case .failure(let error): Issue.record("unexpected \(error)")
      }
    }
    #expect(succeeded == 2)
    #expect(unavailable == 4)
    try await running.value
    await client.close()
  }

  @Test func bindFailureIsReportedToRunAndListeningAddress() async throws {
    let first = try await TestServer.start()
    let second = RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: first.port, eventLoopThreads: 1),
      registry: MethodRegistry(), logger: TestServer.logger)
    await #expect(throws: (any Error).self) { try await second.run() }
    await #expect(throws: (any Error).self) { _ = try await second.listeningAddress }
    await #expect(throws: RPCError.self) { try await second.run() }  // runs once only
    await first.stop()
  }

  @Test func clientReconnectsAfterAServerRestart() async throws {
    let first = try await TestServer.start()
    #expect(try await first.unary("one") == "one")
    let port = first.port
    first.task.cancel()
    _ = await first.task.result
    let down = await rpcError { _ = try await first.unary("while down") }
    #expect(down?.code == .unavailable)
    let second = try await TestServer.start(port: port)
    #expect(try await first.unary("two") == "two")  // the first client, a new connection
    await second.stop()
    await first.client.close()
  }

  @Test func tlsWithASelfSignedCertificate() async throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("rpc-tls-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let cert = directory.appendingPathComponent("cert.pem").path
    let key = directory.appendingPathComponent("key.pem").path
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    openssl.arguments = [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost",
    ]
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    openssl.waitUntilExit()
    try #require(openssl.terminationStatus == 0)
    let test = try await TestServer.start(
      tls: .init(certificateChainPath: cert, privateKeyPath: key),
      clientTLS: .init(caCertificatePath: cert, serverHostname: "localhost"))
    #expect(try await test.unary("secret") == "secret")
    #expect(try await test.unary(Echo.inline, "tls") == "inline:tls")
    // A client that does not trust the certificate fails with UNAVAILABLE.
    let untrusting = RPCClient(
      configuration: ClientConfiguration(
        host: "127.0.0.1", port: test.port, tls: .init(serverHostname: "localhost")),
      logger: TestServer.logger)
    let error = await rpcError {
      _ = try await untrusting.unary(
        Echo.get, request: "x", serializer: UTF8Coder(), deserializer: UTF8Coder())
    }
    #expect(error?.code == .unavailable)
    await untrusting.close()
    await test.stop()
  }

  @Test func garbageInsteadOfThePrefaceClosesOnlyThatConnection() async throws {
    let test = try await TestServer.start()
    #expect(try await test.unary("before") == "before")
    let raw = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connect(host: "127.0.0.1", port: test.port) { channel in
        channel.eventLoop.makeCompletedFuture {
          try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
      }
    let start = ContinuousClock.now
    try await raw.executeThenClose { inbound, outbound in
      try await outbound.write(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\ngarbage garbage"))
      for try await _ in inbound {}  // ends when the server closes the connection
    }
    #expect(ContinuousClock.now - start < .seconds(5))
    #expect(try await test.unary("after") == "after")
    #expect(test.server.connectionCount == 1)
    await test.stop()
  }

  @Test func silentConnectionIsClosedAfterTheFirstRequestTimeout() async throws {
    var limits = ServerConfiguration.Limits()
    limits.firstRequestTimeout = .milliseconds(300)
    let test = try await TestServer.start(limits: limits)
    let start = ContinuousClock.now
    let raw = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connect(host: "127.0.0.1", port: test.port) { channel in
        channel.eventLoop.makeCompletedFuture {
          try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
      }
    try await raw.executeThenClose { inbound, _ in
      for try await _ in inbound {}
    }
    let elapsed = ContinuousClock.now - start
    #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(5))
    await test.stop()
  }

  @Test func idleConnectionIsClosedAndTheClientReconnects() async throws {
    var limits = ServerConfiguration.Limits()
    limits.idleTimeout = .milliseconds(200)
    let test = try await TestServer.start(limits: limits)
    let began = ContinuousClock.now
    #expect(try await test.unary("one") == "one")
    // The idle timer starts after `began`, so the connection is surely still open if this
    // look comes sooner than the timeout after it (a stalled test task may look later).
    let openAfterOne = test.server.connectionCount
    if ContinuousClock.now - began < limits.idleTimeout { #expect(openAfterOne == 1) }
    #expect(await eventually { test.server.connectionCount == 0 })
    // The client reconnects; a held call keeps the new connection busy while counted.
    let held = Task { try await test.unary(Echo.hold, "two") }
    #expect(await test.probe.wait(for: "holding:two"))
    #expect(test.server.connectionCount == 1)
    test.probe.record("release")
    #expect(try await held.value == "released two")
    await test.stop()
  }

  @Test func nonGRPCContentTypeIsRejectedWith415() async throws {
    let test = try await TestServer.start()
    let raw = try await RawHTTP2Client.connect(port: test.port)
    let plain = try await raw.request(
      path: Echo.get.path, headers: [("content-type", "text/plain")],
      body: ByteBuffer(string: "hello"))
    let rejected = try #require(await raw.response(plain))
    #expect(rejected.headers.first?[":status"] == "415")
    #expect(rejected.headers.first?["grpc-status"] == nil)
    let proto = try await raw.request(
      path: Echo.inline.path, headers: [("content-type", "application/grpc+proto")],
      body: RawHTTP2Client.message("p"))
    #expect(try #require(await raw.response(proto)).headers.last?["grpc-status"] == "0")
    await raw.close()
    await test.stop()
  }
}
