import Logging
import NIOCore
import RPCCore
@testable import RPCHTTP2
import ServiceLifecycle
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

/// Raw bytes as the message, to send what a String cannot hold.
struct BytesCoder: MessageSerializer, MessageDeserializer {
  func serialize(_ message: [UInt8], into buffer: inout ByteBuffer) { buffer.writeBytes(message) }
  func deserialize(_ buffer: ByteBuffer) throws -> [UInt8] { Array(buffer.readableBytesView) }
}

/// Records what handlers observed, awaitable from tests.
final class Probe: Sendable {
  private let seen = Mutex<[String]>([])
  private let counter = Mutex(0)

  func count() { counter.withLock { $0 += 1 } }
  var counted: Int { counter.withLock { $0 } }

  func record(_ event: String) { seen.withLock { $0.append(event) } }
  var events: [String] { seen.withLock { $0 } }

  /// Waits (polling) until `event` was recorded, up to `timeout` (generous: a loaded machine
  /// may take seconds to schedule the handler that records it).
  func wait(for event: String, timeout: Duration = .seconds(30)) async -> Bool {
    await eventually(timeout: timeout) { events.contains(event) }
  }

  /// Waits until the counter stopped moving: unchanged for `quiet`, judged within `timeout`.
  /// Returns the count it settled at, or `nil` when it kept moving until the timeout.
  func settledCount(quiet: Duration = .seconds(2), timeout: Duration = .seconds(60)) async -> Int? {
    let clock = ContinuousClock()
    let end = clock.now + timeout
    var last = counted
    var since = clock.now
    while clock.now < end, !Task.isCancelled {
      try? await Task.sleep(for: .milliseconds(50))
      let now = counted
      if now != last {
        last = now
        since = clock.now
      } else if clock.now - since >= quiet {
        return now
      }
    }
    return nil
  }
}

/// Polls `condition` until it holds or `timeout` passes (or the task is cancelled).
func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
  let end = ContinuousClock.now + timeout
  while true {
    if condition() { return true }
    guard ContinuousClock.now < end, !Task.isCancelled else { return false }
    try? await Task.sleep(for: .milliseconds(10))
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
  static let crash = MethodDescriptor(service: service, method: "Crash")
  static let count = MethodDescriptor(service: service, method: "Count")
  static let chat = MethodDescriptor(service: service, method: "Chat")
  static let slow = MethodDescriptor(service: service, method: "Slow")
  static let size = MethodDescriptor(service: service, method: "Size")
  static let sleep = MethodDescriptor(service: service, method: "Sleep")
  static let flood = MethodDescriptor(service: service, method: "Flood")
  static let stall = MethodDescriptor(service: service, method: "Stall")
  static let hold = MethodDescriptor(service: service, method: "Hold")

  static func registry(probe: Probe) -> MethodRegistry {
    let registry = MethodRegistry()
    let coder = UTF8Coder()
    registry.registerUnaryInlineFirst(
      first, deserializer: coder, serializer: coder,
      fast: { request, _ in request.hasPrefix("f") ? "fast:" + request : nil },
      handler: { request, _ in "full:" + request })
    registry.registerUnary(get, deserializer: coder, serializer: coder) { request, context in
      let tag = context.requestMetadata.first("x-tag").map { " [\($0)]" } ?? ""
      return request + tag
    }
    registry.registerUnaryInline(inline, deserializer: coder, serializer: coder) { request, _ in
      "inline:" + request
    }
    registry.registerUnary(fail, deserializer: coder, serializer: coder) { request, _ -> String in
      throw RPCError(code: .notFound, message: "no such thing: \(request) — 100%")
    }
    registry.registerUnary(crash, deserializer: coder, serializer: coder) { _, _ -> String in
      struct InternalDetail: Error {}
      throw InternalDetail()
    }
    registry.registerServerStreaming(count, deserializer: coder, serializer: coder) {
      request, writer, _ in
      for index in 0..<(Int(request) ?? 0) { try await writer.write("item \(index)") }
    }
    registry.registerBidiStreaming(chat, deserializer: coder, serializer: coder) {
      requests, writer, _ in
      for try await request in requests { try await writer.write("echo: \(request)") }
      try await writer.write("done")
    }
    registry.registerUnary(slow, deserializer: coder, serializer: coder) { request, _ in
      probe.record("started:\(request)")
      do {
        try await Task.sleep(for: .seconds(30))
      } catch {
        probe.record("cancelled:\(request)")
        throw error
      }
      return request
    }
    registry.registerUnary(size, deserializer: BytesCoder(), serializer: BytesCoder()) {
      request, _ in
      probe.record("size:\(request.count)")
      return [UInt8](repeating: 7, count: request.count)
    }
    registry.registerUnary(sleep, deserializer: coder, serializer: coder) { request, _ in
      probe.record("sleeping:\(request)")
      try await Task.sleep(for: .milliseconds(Int(request) ?? 0))
      return "slept \(request)"
    }
    // Runs until the test records "release" (so a call is in flight for as long as a test
    // needs, however slowly the machine runs), then answers.
    registry.registerUnary(hold, deserializer: coder, serializer: coder) { request, _ in
      probe.record("holding:\(request)")
      guard await probe.wait(for: "release", timeout: .seconds(120)) else {
        throw RPCError(code: .deadlineExceeded, message: "hold \(request) never released")
      }
      return "released \(request)"
    }
    registry.registerServerStreaming(flood, deserializer: coder, serializer: BytesCoder()) {
      _, writer, _ in
      // Incompressible, so gzip (which the client accepts) does not shrink it on the wire.
      let chunk = (0..<(16 << 10)).map { _ in UInt8.random(in: 0...255) }
      defer { probe.record("flood ended") }
      while true {
        try await writer.write(chunk)
        probe.count()
      }
    }
    registry.registerBidiStreaming(stall, deserializer: BytesCoder(), serializer: coder) {
      requests, writer, _ in
      for try await _ in requests {
        probe.record("stall: first request")
        try await Task.sleep(for: .seconds(30))  // never reads again; ends when cancelled
      }
      try await writer.write("never")
    }
    return registry
  }
}

/// A real server on 127.0.0.1, port 0, plus a client to it.
struct TestServer {
  let server: RPCServer
  let client: RPCClient
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
    clientTLS: ClientConfiguration.ClientTLS? = nil, port: Int = 0,
    grace: Duration = .seconds(10), probe: Probe = Probe(), observers: [any CallObserver] = [],
    authenticator: (any CallAuthenticator)? = nil
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
      configuration: ClientConfiguration(host: "127.0.0.1", port: address.port, tls: clientTLS),
      logger: logger)
    return TestServer(server: server, client: client, probe: probe, port: address.port, task: task)
  }

  func stop() async {
    await client.close()
    task.cancel()
    _ = await task.result
  }

  func unary(_ request: String, options: CallOptions = .init()) async throws -> String {
    try await unary(Echo.get, request, options: options)
  }

  func unary(
    _ method: MethodDescriptor, _ request: String, options: CallOptions = .init()
  ) async throws -> String {
    try await client.unary(
      method, request: request, serializer: UTF8Coder(), deserializer: UTF8Coder(),
      options: options)
  }
}

/// The RPCError a call threw, or a recorded issue.
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
  do {
    try await body()
    Issue.record("expected an RPCError")
    return nil
  } catch let error as RPCError {
    return error
  } catch {
    Issue.record("expected an RPCError, got \(error)")
    return nil
  }
}
