public import RPCCore

/// The echo service both transports' tests call: one method per behaviour a test needs
/// (answers, failures, streams, calls that wait, floods, stalls).
public enum Echo {
  public static let service = "test.Echo"
  /// The request, with ` [TAG]` for an `x-tag` header and ` [authorized]` for an
  /// `authorization` header.
  public static let get = MethodDescriptor(service: service, method: "Get")
  /// `inline:` + the request, answered on the event loop (no task).
  public static let inline = MethodDescriptor(service: service, method: "Inline")
  /// Inline-first: answers "fast:X" on the event loop when X starts with "f", else "full:X"
  /// from a task.
  public static let first = MethodDescriptor(service: service, method: "First")
  /// NOT_FOUND `no such thing: "REQUEST" — 100%`.
  public static let fail = MethodDescriptor(service: service, method: "Fail")
  /// An error that is no RPCError (INTERNAL without its detail).
  public static let crash = MethodDescriptor(service: service, method: "Crash")
  /// `item 0` ... `item N-1` for the request N; INVALID_ARGUMENT for a request not a number.
  public static let count = MethodDescriptor(service: service, method: "Count")
  /// `echo: R` for every request R, then `done`.
  public static let chat = MethodDescriptor(service: service, method: "Chat")
  /// Sleeps until cancelled, recording `started:R` and `cancelled:R`.
  public static let slow = MethodDescriptor(service: service, method: "Slow")
  /// As many bytes (7) as the request has.
  public static let size = MethodDescriptor(service: service, method: "Size")
  /// Sleeps the request's milliseconds, then answers `slept R`.
  public static let sleep = MethodDescriptor(service: service, method: "Sleep")
  /// 16 KiB messages of random bytes until cancelled, counting them.
  public static let flood = MethodDescriptor(service: service, method: "Flood")
  /// Reads one request, then never again.
  public static let stall = MethodDescriptor(service: service, method: "Stall")
  /// Answers once the test records `release`.
  public static let hold = MethodDescriptor(service: service, method: "Hold")
  /// One message, then waits for cancellation (a watch that never changes).
  public static let watch = MethodDescriptor(service: service, method: "Watch")

  /// A registry serving every method, recording into `probe`.
  public static func registry(probe: Probe) -> MethodRegistry {
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
    registry.registerUnary(crash, deserializer: coder, serializer: coder) { _, _ -> String in
      struct InternalDetail: Error {}
      throw InternalDetail()
    }
    registry.registerServerStreaming(count, deserializer: coder, serializer: coder) {
      request, writer, _ in
      for index in 0..<(Int(request) ?? 0) { try await writer.write("item \(index)") }
      if Int(request) == nil { throw RPCError(code: .invalidArgument, message: "not a number") }
    }
    registry.registerBidiStreaming(chat, deserializer: coder, serializer: coder) {
      requests, writer, _ in
      for try await request in requests { try await writer.write("echo: \(request)") }
      try await writer.write("done")
    }
    registerWaiting(in: registry, probe: probe)
    registerBulk(in: registry, probe: probe)
    return registry
  }
}
