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
}

extension CallPolicy {
  /// The response header fields as of now.
  package func currentResponseFields() -> [(String, String)] {
    responseFields(version: responseVersion())
  }
}

extension MethodHandler {
  /// The handler to run for a call under `policy`: this one when the policy lets the call
  /// run at once, else one that awaits the policy's wait first (an inline handler then runs
  /// in a task, as `.unary`). Throws the policy's refusal.
  package func admitted(_ context: ServerContext, by policy: (any CallPolicy)?) throws(RPCError) -> MethodHandler {
    guard let policy, let wait = try policy.admission(context) else { return self }
    switch self {
    case .unaryInline(let run):
      return .unary { request, context in
        try await wait()
        // a bare, uncompressed framer writes the serialized message itself; the transport
        // frames the task's result as the call's protocol needs
        var out = ByteBufferAllocator().buffer(capacity: 512)
        try run(request, context, GRPCMessageFramer(isEnveloped: false), &out)
        return out
      }
    case .unary(let run):
      return .unary { request, context in
        try await wait()
        return try await run(request, context)
      }
    case .serverStreaming(let run):
      return .serverStreaming { request, writer, context in
        try await wait()
        try await run(request, writer, context)
      }
    case .bidiStreaming(let run):
      return .bidiStreaming { requests, writer, context in
        try await wait()
        try await run(requests, writer, context)
      }
    }
  }
}
