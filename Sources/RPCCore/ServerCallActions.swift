/// What a transport does after an event of a ``ServerCallStateMachine``: its `steps`, in
/// the order they are declared, with `status` for those that need one (`nil`: OK).
package struct ServerCallActions: Sendable, Hashable {
  package struct Steps: OptionSet, Sendable, Hashable {
    package let rawValue: UInt16
    @inlinable package init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Whether `step` is one of these (inlined: SetAlgebra's generic `contains` is not
    /// specialized across modules, and transports ask a dozen times per event).
    @inlinable package func has(_ step: Steps) -> Bool { rawValue & step.rawValue != 0 }

    /// No step at all.
    @inlinable package var none: Bool { rawValue == 0 }

    /// Start the deadline timer.
    @inlinable package static var scheduleDeadline: Steps { Steps(rawValue: 1 << 0) }
    /// Keep the request message for the handler.
    @inlinable package static var keepRequest: Steps { Steps(rawValue: 1 << 1) }
    /// Hand the message to the running handler's request stream.
    @inlinable package static var deliverRequest: Steps { Steps(rawValue: 1 << 2) }
    /// End the running handler's request stream.
    @inlinable package static var finishRequests: Steps { Steps(rawValue: 1 << 3) }
    /// Put the call in line for room in the reply budget.
    @inlinable package static var waitForRoom: Steps { Steps(rawValue: 1 << 4) }
    /// Run the handler.
    @inlinable package static var dispatch: Steps { Steps(rawValue: 1 << 5) }
    /// Stop the deadline timer.
    @inlinable package static var cancelDeadline: Steps { Steps(rawValue: 1 << 6) }
    /// Stop the handler's task, end its request stream and fail its suspended writers with
    /// `status`.
    @inlinable package static var cancelHandler: Steps { Steps(rawValue: 1 << 7) }
    /// Send the response head (before the message that comes with it).
    @inlinable package static var sendHead: Steps { Steps(rawValue: 1 << 8) }
    /// Send the message the handler wrote.
    @inlinable package static var sendMessage: Steps { Steps(rawValue: 1 << 9) }
    /// Send the whole unary answer (head, message, OK).
    @inlinable package static var sendResponse: Steps { Steps(rawValue: 1 << 10) }
    /// End the response with `status` (trailers, or a whole error answer when the response
    /// had not started).
    @inlinable package static var sendStatus: Steps { Steps(rawValue: 1 << 11) }
    /// Refuse the handler's write: the call is over.
    @inlinable package static var rejectWrite: Steps { Steps(rawValue: 1 << 12) }
    /// Let suspended writers continue.
    @inlinable package static var resumeWriters: Steps { Steps(rawValue: 1 << 13) }
    /// Tell the server's call observers the call's end (`status`'s code, 0 without one).
    @inlinable package static var notify: Steps { Steps(rawValue: 1 << 14) }
  }

  package var steps: Steps = []
  /// The status the steps end the call with (`nil`: OK).
  package var status: RPCError?
  /// The code of the call's end, for ``Steps-swift.struct/notify``.
  package var code: Int = 0
  /// For ``Steps-swift.struct/sendStatus``: whether the response head went out (the status
  /// then ends the stream), or the status is the whole answer.
  package var responseStarted = false
  /// An event the call's state does not allow (a transport bug): the transport fails the
  /// call with `INTERNAL` and logs this.
  package var illegal: String?

  package init(steps: Steps = [], status: RPCError? = nil) {
    self.steps = steps
    self.status = status
    self.code = status?.code.rawValue ?? 0
  }

  static func illegal(_ what: String) -> ServerCallActions {
    var actions = ServerCallActions()
    actions.illegal = what
    return actions
  }
}
