internal import NIOCore
internal import RPCCore

/// The RPC state of one server stream, owned by its connection handler on the event loop.
/// Stored properties are `@exclusivity(unchecked)`: the class lives on one event loop, and the
/// run-time check of each access (`swift_beginAccess`) cost pool Get 0.45 µs of ~5.9 with
/// the optimizations it blocked (README, Metrics and health).
final class ServerStream {
  let id: Int32
  let handler: MethodHandler
  /// The per-call rules of the method's service, if any.
  let policy: (any CallPolicy)?
  let context: ServerContext
  /// The call's protocol rules (gRPC, gRPC-Web, Connect).
  let call: WireCall
  /// What the call's record will say (request id, caller, bytes).
  @exclusivity(unchecked) var observed: ObservedCall
  /// Where the call is (`ServerCallStateMachine`): the connection feeds it the stream's
  /// events and runs its steps (`ServerConnectionHandler+Steps`).
  @exclusivity(unchecked) var machine: ServerCallStateMachine
  @exclusivity(unchecked) var decoder: WireRequestDecoder
  var framer: GRPCMessageFramer { call.framer }
  /// The single request of a unary-request method, once received, until its handler runs.
  @exclusivity(unchecked) var request: ByteBuffer?
  /// Where a bidi handler's requests go.
  @exclusivity(unchecked) var inbound: AsyncThrowingStream<GRPCEnvelope, any Error>.Continuation?
  /// The bidi reader's backlog, and the stream window held back because of it.
  @exclusivity(unchecked) var window: InboundWindow?
  @exclusivity(unchecked) var withheld = 0
  @exclusivity(unchecked) var task: Task<Void, Never>?
  /// When the call's deadline passes (its `grpc-timeout` from its start), until it ends.
  @exclusivity(unchecked) var deadline: NIODeadline?
  /// Armed once the read burst the call began in is over (`armPendingDeadlines`).
  @exclusivity(unchecked) var deadlineTimer: Scheduled<Void>?
  /// Writers waiting for the stream's queued output to drain.
  @exclusivity(unchecked) var writers = SuspendedWriters()
  /// In line for the connection's reply budget: its handler not started yet (`request`
  /// kept), or its writers held.
  @exclusivity(unchecked) var waitingForRoom = false

  init(
    id: Int32, handler: MethodHandler, policy: (any CallPolicy)?, context: ServerContext, call: WireCall,
    observed: ObservedCall
  ) {
    self.id = id
    self.observed = observed
    self.handler = handler
    self.policy = policy
    self.context = context
    self.call = call
    self.decoder = call.makeDecoder()
    if case .bidiStreaming = handler {
      self.machine = ServerCallStateMachine(shape: .requestStream)
    } else {
      self.machine = ServerCallStateMachine(shape: .unaryRequest)
    }
  }

  /// Stops everything running for the stream: the task, the request stream, waiting writers.
  func abandon(_ error: RPCError) {
    deadlineTimer?.cancel()
    task?.cancel()
    inbound?.finish(throwing: error)
    inbound = nil
    writers.failAll(error)
  }

  /// The policy's response header fields (none without a policy).
  func extraFields() -> [(String, String)] { policy?.currentResponseFields(for: context) ?? [] }

  /// The request id field every response head of the call carries.
  var requestIDField: (name: String, value: String) { (RequestID.fieldName, observed.requestID) }

  /// Lets waiting writers continue.
  func resumeWriters() {
    writers.resumeAll()
  }
}

/// A handle on a server stream that handler tasks use from any thread; every operation hops
/// to the connection's event loop.
struct ServerStreamHandle: ServerCallSink {
  let stream: Int32
  let eventLoop: any EventLoop
  let connection: NIOLoopBound<ServerConnectionHandler>
  let framer: GRPCMessageFramer

  /// Hands a framed message to the connection, which holds `continuation` while the stream's
  /// output is backed up.
  func send(_ framed: ByteBuffer, continuation: CheckedContinuation<Void, any Error>) {
    eventLoop.execute { connection.value.write(framed, stream: stream, continuation: continuation) }
  }

  /// The reader caught up: return the stream window held back.
  func releaseWindow() {
    eventLoop.execute { connection.value.releaseWindow(stream: stream) }
  }

  /// Completes a unary call with its serialized response or its failure.
  func complete(_ result: Result<ByteBuffer, any Error>) {
    eventLoop.execute { connection.value.complete(stream: stream, result: result) }
  }

  /// Ends a streaming call with OK or the given failure.
  func finish(_ error: (any Error)?) {
    eventLoop.execute { connection.value.finish(stream: stream, error: error) }
  }
}
