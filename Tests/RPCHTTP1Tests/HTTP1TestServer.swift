import Foundation
import Logging
import NIOCore
import RPCCore
import RPCHTTP2
import Synchronization
import Testing

/// A UTF-8 string message: the test-only message type.
struct UTF8Coder: MessageSerializer, MessageDeserializer {
  struct BadUTF8: Error {}
  func serialize(_ message: String, into buffer: inout ByteBuffer) { buffer.writeString(message) }
  func deserialize(_ buffer: ByteBuffer) throws -> String {
    guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
      throw BadUTF8()
    }
    return text
  }
}

/// Records what handlers observed, awaitable from tests.
final class Probe: Sendable {
  private let seen = Mutex<[String]>([])

  func record(_ event: String) { seen.withLock { $0.append(event) } }
  var events: [String] { seen.withLock { $0 } }

  /// Waits (polling) until `event` was recorded.
  func wait(for event: String, timeout: Duration = .seconds(30)) async -> Bool {
    let end = ContinuousClock.now + timeout
    while !events.contains(event) {
      guard ContinuousClock.now < end, !Task.isCancelled else { return false }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return true
  }
}

/// Log lines kept in memory, to check what the server logs (and what it never does).
final class LogRecorder: Sendable {
  private let lines = Mutex<[String]>([])
  func append(_ line: String) { lines.withLock { $0.append(line) } }
  var all: String { lines.withLock { $0.joined(separator: "\n") } }

  struct Handler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
      let merged = metadata.merging(event.metadata ?? [:]) { $1 }
      recorder.append("\(event.level) \(event.message) \(merged)")
    }
  }
}

enum Echo {
  static let service = "test.Echo"
  static let get = MethodDescriptor(service: service, method: "Get")
  static let inline = MethodDescriptor(service: service, method: "Inline")
  /// Inline-first: answers "fast:X" on the event loop when X starts with "f", else "full:X"
  /// from a task.
  static let first = MethodDescriptor(service: service, method: "First")
  static let fail = MethodDescriptor(service: service, method: "Fail")
  static let count = MethodDescriptor(service: service, method: "Count")
  static let chat = MethodDescriptor(service: service, method: "Chat")
  static let hold = MethodDescriptor(service: service, method: "Hold")
  static let slow = MethodDescriptor(service: service, method: "Slow")
  static let watch = MethodDescriptor(service: service, method: "Watch")

  static func registry(probe: Probe) -> MethodRegistry {
    let registry = MethodRegistry()
    let coder = UTF8Coder()
    registry.registerUnaryInlineFirst(
      first, deserializer: coder, serializer: coder,
      fast: { request, _ in request.hasPrefix("f") ? "fast:" + request : nil },
      handler: { request, _ in "full:" + request })
    registry.registerUnary(get, deserializer: coder, serializer: coder) { request, context in
      let auth = context.requestMetadata.first("authorization") != nil ? " [authorized]" : ""
      let tag = context.requestMetadata.first("x-tag").map { " [\($0)]" } ?? ""
      return request + tag + auth
    }
    registry.registerUnaryInline(inline, deserializer: coder, serializer: coder) { request, _ in
      "inline:" + request
    }
    registry.registerUnary(fail, deserializer: coder, serializer: coder) { request, _ -> String in
      throw RPCError(code: .notFound, message: "no such thing: \"\(request)\" — 100%")
    }
    registry.registerServerStreaming(count, deserializer: coder, serializer: coder) {
      request, writer, _ in
      for index in 0..<(Int(request) ?? 0) { try await writer.write("item \(index)") }
      if request == "0" { return }
      if Int(request) == nil { throw RPCError(code: .invalidArgument, message: "not a number") }
    }
    registry.registerBidiStreaming(chat, deserializer: coder, serializer: coder) {
      requests, writer, _ in
      for try await request in requests { try await writer.write("echo: \(request)") }
    }
    // Runs until the test records "release", then answers.
    registry.registerUnary(hold, deserializer: coder, serializer: coder) { request, _ in
      probe.record("holding:\(request)")
      guard await probe.wait(for: "release", timeout: .seconds(120)) else {
        throw RPCError(code: .deadlineExceeded, message: "hold \(request) never released")
      }
      return "released \(request)"
    }
    // Sleeps until cancelled, recording both.
    registry.registerUnary(slow, deserializer: coder, serializer: coder) { request, _ in
      probe.record("started:\(request)")
      do {
        try await Task.sleep(for: .seconds(60))
      } catch {
        probe.record("cancelled:\(request)")
        throw error
      }
      return request
    }
    // One message, then waits for cancellation (a watch that never changes).
    registry.registerServerStreaming(watch, deserializer: coder, serializer: coder) {
      request, writer, _ in
      try await writer.write("first \(request)")
      probe.record("watching:\(request)")
      do {
        try await Task.sleep(for: .seconds(60))
      } catch {
        probe.record("watch cancelled:\(request)")
        throw error
      }
    }
    return registry
  }
}

/// A real server on 127.0.0.1, port 0.
struct TestServer {
  let server: RPCServer
  let probe: Probe
  let port: Int
  let task: Task<Void, any Error>

  static var logger: Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    return logger
  }

  static func start(
    limits: ServerConfiguration.Limits = .init(), tls: ServerConfiguration.ServerTLS? = nil,
    grace: Duration = .seconds(10), logger: Logger = TestServer.logger, observers: [any CallObserver] = [],
    authenticator: (any CallAuthenticator)? = nil
  ) async throws -> TestServer {
    let probe = Probe()
    let configuration = ServerConfiguration(
      host: "127.0.0.1", port: 0, tls: tls, limits: limits, eventLoopThreads: 1,
      shutdownGracePeriod: grace, callObservers: observers)
    let registry = Echo.registry(probe: probe)
    if let authenticator { registry.authenticate(with: authenticator) }
    let server = RPCServer(configuration: configuration, registry: registry, logger: logger)
    let task = Task { try await server.run() }
    let address = try await server.listeningAddress
    return TestServer(server: server, probe: probe, port: address.port, task: task)
  }

  func stop() async {
    task.cancel()
    _ = await task.result
  }

  /// An HTTP/2 gRPC client to this server.
  func grpcClient(tls: ClientConfiguration.ClientTLS? = nil) -> RPCClient {
    RPCClient(
      configuration: ClientConfiguration(host: "127.0.0.1", port: port, tls: tls),
      logger: Self.logger)
  }
}

extension RPCClient {
  func echo(_ request: String, _ method: MethodDescriptor = Echo.get) async throws -> String {
    try await unary(method, request: request, serializer: UTF8Coder(), deserializer: UTF8Coder())
  }
}

/// A throwaway certificate for `localhost` / 127.0.0.1 (self-signed, made with openssl).
struct TLSFiles {
  let directory: URL
  var cert: String { directory.appendingPathComponent("cert.pem").path }
  var key: String { directory.appendingPathComponent("key.pem").path }

  static func make() throws -> TLSFiles {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("rpc-http1-tls-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let files = TLSFiles(directory: directory)
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    openssl.arguments = [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", files.key, "-out", files.cert, "-days", "1", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ]
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    openssl.waitUntilExit()
    try #require(openssl.terminationStatus == 0)
    return files
  }

  func remove() { try? FileManager.default.removeItem(at: directory) }

  var server: ServerConfiguration.ServerTLS {
    .init(certificateChainPath: cert, privateKeyPath: key)
  }
}
