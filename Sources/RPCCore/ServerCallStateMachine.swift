/// The rules of one server call, whatever its transport (HTTP/2 stream or HTTP/1.1
/// exchange) and wire protocol: a value type fed the call's events, answering with the steps
/// the transport must take (``ServerCallActions``). The transport only moves bytes and runs
/// what it is told; the machine decides when the handler starts, when the response head
/// goes out, how the call ends, and that it ends once: whatever arrives after the end (a
/// late handler result, a write, a second deadline) is answered with nothing to do, or with
/// ``ServerCallActions/Steps-swift.struct/rejectWrite`` for a write.
///
/// ```
///            start ─┬─ (bidi) ──────────────────────────────┐
///                   ▼                                        ▼
///   receiving ── end of request ─┬─ room ──────────▶ running(requestOpen, responseStarted)
///                                └─ no room ▶ waiting ─ room ─┘            │
///   every state ── failure / deadline / handler's end / cancel / close ──▶ closed(code)
/// ```
package struct ServerCallStateMachine: Sendable {
  /// Where a call is.
  package enum State: Sendable, Hashable {
    /// Its request is arriving; the handler has not started (a unary-request method).
    case receiving
    /// Its request is complete; its handler waits for room in the connection's reply budget.
    case waiting
    /// Its handler runs; `requestOpen`: the client may still send (a bidi call);
    /// `responseStarted`: the response head went out (the status then goes in trailers).
    case running(requestOpen: Bool, responseStarted: Bool)
    /// It ended with `code` (0: OK), its observers told.
    case closed(code: Int)
  }

  /// How a method takes its requests.
  package enum Shape: Sendable {
    /// One request, then the handler runs (unary and server-streaming methods).
    case unaryRequest
    /// The handler runs from the head on and reads requests as they come (bidi).
    case requestStream
  }

  package private(set) var state: State
  private let shape: Shape
  private var requests = 0
  private var started = false

  /// A call of a method of `shape` whose head was accepted.
  package init(shape: Shape) {
    self.shape = shape
    self.state = .receiving
  }

  /// Whether the call ended.
  package var isClosed: Bool {
    if case .closed = state { return true }
    return false
  }

  /// Whether the response head went out.
  package var responseStarted: Bool {
    if case .running(_, true) = state { return true }
    return false
  }

  // MARK: events

  /// The call is accepted: its deadline timer starts (when it has one) and a bidi handler
  /// starts at once.
  package mutating func start(timeout: Duration?) -> ServerCallActions {
    guard case .receiving = state, !started else { return .illegal("start after \(state)") }
    started = true
    var actions = ServerCallActions()
    if timeout != nil { actions.steps.insert(.scheduleDeadline) }
    if shape == .requestStream {
      state = .running(requestOpen: true, responseStarted: false)
      actions.steps.insert(.dispatch)
    }
    return actions
  }

  /// A whole request message arrived: kept for a unary-request call (one only), handed to
  /// a bidi handler.
  package mutating func receivedMessage() -> ServerCallActions {
    switch (state, shape) {
    case (.receiving, .unaryRequest):
      requests += 1
      guard requests == 1 else {
        return fail(RPCError(code: .internalError, message: "more than one request for a unary call"))
      }
      return ServerCallActions(steps: .keepRequest)
    case (.running(true, _), .requestStream):
      return ServerCallActions(steps: .deliverRequest)
    case (.closed, _):
      return ServerCallActions()
    default:
      return .illegal("a request message while \(state)")
    }
  }

  /// The request ended. A unary-request call's handler starts now when `hasRoom`, else the
  /// call waits for room (``roomAvailable()``); a bidi handler's request stream ends.
  package mutating func receivedEnd(hasRoom: Bool) -> ServerCallActions {
    switch state {
    case .receiving:
      guard requests == 1 else { return fail(RPCError(code: .internalError, message: "no request message")) }
      if hasRoom {
        state = .running(requestOpen: false, responseStarted: false)
        return ServerCallActions(steps: .dispatch)
      }
      state = .waiting
      return ServerCallActions(steps: .waitForRoom)
    case .running(true, let started):
      state = .running(requestOpen: false, responseStarted: started)
      return ServerCallActions(steps: .finishRequests)
    case .closed:
      return ServerCallActions()
    default:
      return .illegal("end of request while \(state)")
    }
  }

  /// The reply budget has room for a waiting call: its handler starts.
  package mutating func roomAvailable() -> ServerCallActions {
    guard case .waiting = state else { return ServerCallActions() }
    state = .running(requestOpen: false, responseStarted: false)
    return ServerCallActions(steps: .dispatch)
  }

  /// A streaming handler wrote a message: the head first when the response has not started.
  package mutating func handlerWrote() -> ServerCallActions {
    switch state {
    case .running(let open, let started):
      state = .running(requestOpen: open, responseStarted: true)
      return ServerCallActions(steps: started ? .sendMessage : [.sendHead, .sendMessage])
    case .closed:
      return ServerCallActions(steps: .rejectWrite)
    default:
      return .illegal("a response message before the handler ran (\(state))")
    }
  }

  /// A unary handler returned its response: the whole answer goes out.
  package mutating func handlerResponded() -> ServerCallActions {
    switch state {
    case .running(_, false):
      state = .closed(code: 0)
      return ServerCallActions(steps: [.cancelDeadline, .sendResponse, .notify])
    case .closed:
      return ServerCallActions()
    default:
      return .illegal("a whole response while \(state)")
    }
  }

  /// The handler ended: OK (`nil`) or with `error`.
  package mutating func handlerFinished(_ error: RPCError?) -> ServerCallActions {
    guard let error else {
      switch state {
      case .running(_, let started):
        state = .closed(code: 0)
        var actions = ServerCallActions(steps: [.cancelDeadline, .sendStatus, .notify])
        actions.responseStarted = started
        return actions
      case .closed:
        return ServerCallActions()
      default:
        return .illegal("the handler ended before it ran (\(state))")
      }
    }
    return fail(error)
  }

  /// The call fails with `error` and says so to the client (the deadline passed, a bad
  /// message, a refusal, the handler threw): what still runs for it stops.
  package mutating func fail(_ error: RPCError) -> ServerCallActions {
    guard !isClosed else { return ServerCallActions() }
    var actions = ServerCallActions(steps: [.cancelDeadline, .cancelHandler, .sendStatus, .notify], status: error)
    actions.responseStarted = responseStarted
    state = .closed(code: error.code.rawValue)
    return actions
  }

  /// The deadline passed.
  package mutating func deadlineFired() -> ServerCallActions {
    fail(RPCError(code: .deadlineExceeded, message: "deadline exceeded"))
  }

  /// The call can no longer be answered: the client reset the stream or closed the
  /// connection, or the server's shutdown closed it (`error` says which). Nothing is sent.
  package mutating func cancelled(_ error: RPCError) -> ServerCallActions {
    guard !isClosed else { return ServerCallActions() }
    state = .closed(code: error.code.rawValue)
    return ServerCallActions(steps: [.cancelDeadline, .cancelHandler, .notify], status: error)
  }

  /// The client read what was queued: a suspended writer may continue.
  package mutating func writeDrained() -> ServerCallActions {
    guard case .running = state else { return ServerCallActions() }
    return ServerCallActions(steps: .resumeWriters)
  }
}
