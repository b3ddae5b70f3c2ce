/// What a transport does after an event of a ``ServerCallStateMachine``: its `steps`, in
/// the order they are declared, with `status` for those that need one (`nil`: OK).
package struct ServerCallActions: Sendable, Hashable {
  package struct Steps: OptionSet, Sendable, Hashable {
    package let rawValue: UInt16
    package init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Start the deadline timer.
    package static let scheduleDeadline = Steps(rawValue: 1 << 0)
    /// Keep the request message for the handler.
    package static let keepRequest = Steps(rawValue: 1 << 1)
    /// Hand the message to the running handler's request stream.
    package static let deliverRequest = Steps(rawValue: 1 << 2)
    /// End the running handler's request stream.
    package static let finishRequests = Steps(rawValue: 1 << 3)
    /// Put the call in line for room in the reply budget.
    package static let waitForRoom = Steps(rawValue: 1 << 4)
    /// Run the handler.
    package static let dispatch = Steps(rawValue: 1 << 5)
    /// Stop the deadline timer.
    package static let cancelDeadline = Steps(rawValue: 1 << 6)
    /// Stop the handler's task, end its request stream and fail its suspended writers with
    /// `status`.
    package static let cancelHandler = Steps(rawValue: 1 << 7)
    /// Send the response head (before the message that comes with it).
    package static let sendHead = Steps(rawValue: 1 << 8)
    /// Send the message the handler wrote.
    package static let sendMessage = Steps(rawValue: 1 << 9)
    /// Send the whole unary answer (head, message, OK).
    package static let sendResponse = Steps(rawValue: 1 << 10)
    /// End the response with `status` (trailers, or a whole error answer when the response
    /// had not started).
    package static let sendStatus = Steps(rawValue: 1 << 11)
    /// Refuse the handler's write: the call is over.
    package static let rejectWrite = Steps(rawValue: 1 << 12)
    /// Let suspended writers continue.
    package static let resumeWriters = Steps(rawValue: 1 << 13)
    /// Tell the server's call observers the call's end (`status`'s code, 0 without one).
    package static let notify = Steps(rawValue: 1 << 14)
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
