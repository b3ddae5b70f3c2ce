import Foundation
import NIOCore
import NIOPosix
import RPCCore
@testable import RPCHTTP2
import Testing
import RPCTestSupport

/// `bind()` before `run()`: the port and the TLS files are checked first (typed errors that
/// name the address or the file), and connections made before `run()` wait, then are served
/// with the methods registered meanwhile.
@Suite struct ServerBindTests {
  @Test func callsMadeBetweenBindAndRunAreServedWithMethodsRegisteredMeanwhile() async throws {
    let registry = MethodRegistry()
    let server = RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: 0, eventLoopThreads: 1), registry: registry,
      logger: TestServer.logger)
    try await server.bind()
    let port = try await server.listeningAddress.port
    let client = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: port), logger: TestServer.logger)
    let call = Task {
      try await client.unary(Echo.get, request: "early", serializer: UTF8Coder(), deserializer: UTF8Coder())
    }
    registry.registerUnary(Echo.get, deserializer: UTF8Coder(), serializer: UTF8Coder()) { request, _ in
      "served " + request
    }
    let running = Task { try await server.run() }
    #expect(try await call.value == "served early")
    await client.close()
    running.cancel()
    _ = await running.result
  }

  @Test func aPortInUseIsTheListenReasonAndCloseFreesAnUnrunServer() async throws {
    let first = RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: 0, eventLoopThreads: 1), registry: MethodRegistry(),
      logger: TestServer.logger)
    try await first.bind()
    let port = try await first.listeningAddress.port
    let second = RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: port, eventLoopThreads: 1),
      registry: MethodRegistry(), logger: TestServer.logger)
    await #expect(throws: ServerStartError(.listen(address: "127.0.0.1:\(port)", cause: "address already in use"))) {
      try await second.bind()
    }
    await first.close()
    let third = RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: port, eventLoopThreads: 1),
      registry: MethodRegistry(), logger: TestServer.logger)
    try await third.bind()  // the closed server gave the port back
    await third.close()
  }

  @Test func tlsFilesAreCheckedByBind() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bind-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let missing = folder.appendingPathComponent("missing.pem").path
    let notPEM = folder.appendingPathComponent("cert.pem").path
    try "not a certificate\n".write(toFile: notPEM, atomically: false, encoding: .utf8)
    for (tls, reason) in [
      (ServerConfiguration.ServerTLS(certificateChainPath: missing, privateKeyPath: missing),
       ServerStartError.Reason.certificateChain(path: missing, cause: "no such file")),
      (ServerConfiguration.ServerTLS(certificateChainPath: notPEM, privateKeyPath: missing),
       .certificateChain(path: notPEM, cause: "no PEM certificate in it")),
    ] {
      let server = RPCServer(
        configuration: ServerConfiguration(host: "127.0.0.1", port: 0, tls: tls, eventLoopThreads: 1),
        registry: MethodRegistry(), logger: TestServer.logger)
      await #expect(throws: ServerStartError(reason)) { try await server.bind() }
    }
  }
}
