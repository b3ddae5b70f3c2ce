internal import NIOCore

/// Rules a registry applies around every call of some services, whatever the transport
/// (HTTP/2 or HTTP/1.1) and wire protocol: a condition to meet before the handler runs, and
/// header fields every response carries. Set with ``MethodRegistry/apply(_:toService:)``;
/// the one seam where such per-call rules live (the store revision headers today). A class,
/// so that a transport can tell policies apart when it reuses an encoded head.
public protocol CallPolicy: AnyObject, Sendable {
  /// Decides, on the connection's event loop before the handler runs, whether the call may
  /// run at once (`nil`), must first wait (the returned closure, awaited in the call's task;
  /// what it throws ends the call, and cancelling the call cancels it), or is refused (a
  /// thrown ``RPCError``). Called once per call; must not block.
  func admission(_ context: ServerContext) throws(RPCError) -> (@Sendable () async throws -> Void)?

  /// The version of the response header fields now: it changes whenever they do (the
  /// store's revision), so a transport may reuse the head it encoded for this policy and
  /// version instead of encoding the same fields again. Read when the head is made: after a
  /// unary handler returned, before a stream's first message, or with an error status that
  /// starts the response.
  func responseVersion() -> UInt64

  /// Header fields added to the response head (lower-case names) at `version`.
  func responseFields(version: UInt64) -> [(String, String)]

  /// Header fields the response head of the call of `context` carries besides
  /// ``responseFields(version:)``, decided by its request (e.g. a request header echoed);
  /// lower-case names. A head carrying any is encoded for its call alone (a transport reuses
  /// the policy's encoded head only for calls without them). The default: none.
  func callFields(for context: ServerContext) -> [(String, String)]

  /// Runs the handler of a `.unary` call (in the call's task, after the admission's wait),
  /// e.g. to learn what it did and raise the call's ``ServerContext/responseVersionFloor``;
  /// also the full part of a `.unaryInlineFirst` call (a call its fast part answers, which
  /// writes nothing durable and never fails, runs without it, as an inline call does).
  /// The default runs it.
  func run<Output: Sendable>(_ context: ServerContext, _ handler: @Sendable () async throws -> Output) async throws -> Output
}

extension CallPolicy {
  public func callFields(for context: ServerContext) -> [(String, String)] { [] }

  public func run<Output: Sendable>(
    _ context: ServerContext, _ handler: @Sendable () async throws -> Output
  ) async throws -> Output {
    try await handler()
  }

  /// The version of the response fields of the call of `context` now: the policy's, or the
  /// call's floor when higher.
  package func responseVersion(for context: ServerContext) -> UInt64 {
    max(responseVersion(), context.responseVersionFloor.value)
  }

  /// The response header fields of the call of `context` as of now, its own included.
  package func currentResponseFields(for context: ServerContext) -> [(String, String)] {
    let own = callFields(for: context)
    let fields = responseFields(version: responseVersion(for: context))
    return own.isEmpty ? fields : fields + own
  }
}

extension MethodHandler {
  /// The handler to run for a call under `policy`: a `.unary` one (and a `.unaryInlineFirst`
  /// one's full part) runs through the policy's ``CallPolicy/run(_:_:)``; the others as they
  /// are when the policy lets the call run at once, else after awaiting the policy's wait (an
  /// inline handler then runs in a task, as `.unary`; a `.unaryInlineFirst` one as its full
  /// part). Throws the policy's refusal.
  package func admitted(_ context: ServerContext, by policy: (any CallPolicy)?) throws(RPCError) -> MethodHandler {
    guard let policy else { return self }
    let wait = try policy.admission(context)
    switch self {
    case .unary(let run):
      return .unary { request, context in
        try await wait?()
        return try await policy.run(context) { try await run(request, context) }
      }
    case .unaryInlineFirst(let fast, let full):
      let guarded: @Sendable (ByteBuffer, ServerContext) async throws -> ByteBuffer = { request, context in
        try await wait?()
        return try await policy.run(context) { try await full(request, context) }
      }
      // a call that must first wait runs whole in its task
      return wait == nil ? .unaryInlineFirst(fast: fast, full: guarded) : .unary(guarded)
    case .unaryInline(let run):
      guard let wait else { return self }
      return .unary { request, context in
        try await wait()
        // a bare, uncompressed framer writes the serialized message itself; the transport
        // frames the task's result as the call's protocol needs
        var out = ByteBufferAllocator().buffer(capacity: 512)
        try run(request, context, GRPCMessageFramer(isEnveloped: false), &out)
        return out
      }
    case .serverStreaming(let run):
      guard let wait else { return self }
      return .serverStreaming { request, writer, context in
        try await wait()
        try await run(request, writer, context)
      }
    case .bidiStreaming(let run):
      guard let wait else { return self }
      return .bidiStreaming { requests, writer, context in
        try await wait()
        try await run(requests, writer, context)
      }
    }
  }
}
