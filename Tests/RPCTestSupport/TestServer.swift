public import Logging
public import RPCCore
public import RPCHTTP2

/// A real server on 127.0.0.1 (port 0 unless given) serving ``Echo``, plus an HTTP/2 client
/// to it.
public struct TestServer: Sendable {
  public let server: RPCServer
  public let client: RPCClient
  public let probe: Probe
  public let port: Int
  public let task: Task<Void, any Error>

  /// Warnings and worse.
  public static var logger: Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    return logger
  }

  public static func start(
    limits: ServerConfiguration.Limits = .init(), tls: ServerConfiguration.ServerTLS? = nil,
    clientTLS: ClientConfiguration.ClientTLS? = nil, port: Int = 0, grace: Duration = .seconds(10), probe: Probe = Probe(),
    logger: Logger = TestServer.logger, observers: [any CallObserver] = [], authenticator: (any CallAuthenticator)? = nil
  ) async throws -> TestServer {
    let configuration = ServerConfiguration(
      host: "127.0.0.1", port: port, tls: tls, limits: limits, eventLoopThreads: 1,
      shutdownGracePeriod: grace, callObservers: observers)
    let registry = Echo.registry(probe: probe)
    if let authenticator { registry.authenticate(with: authenticator) }
    let server = RPCServer(configuration: configuration, registry: registry, logger: logger)
    let task = Task { try await server.run() }
    let address = try await server.listeningAddress
    let client = RPCClient(
      configuration: ClientConfiguration(host: "127.0.0.1", port: address.port, tls: clientTLS), logger: Self.logger)
    return TestServer(server: server, client: client, probe: probe, port: address.port, task: task)
  }

  /// Closes the client and stops the server.
  public func stop() async {
    await client.close()
    task.cancel()
    _ = await task.result
  }

  /// Another HTTP/2 gRPC client to this server.
  public func grpcClient(tls: ClientConfiguration.ClientTLS? = nil) -> RPCClient {
    RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: port, tls: tls), logger: Self.logger)
  }

  public func unary(_ request: String, options: CallOptions = .init()) async throws -> String {
    try await unary(Echo.get, request, options: options)
  }

  public func unary(_ method: MethodDescriptor, _ request: String, options: CallOptions = .init()) async throws -> String {
    try await client.unary(method, request: request, serializer: UTF8Coder(), deserializer: UTF8Coder(), options: options)
  }
}
