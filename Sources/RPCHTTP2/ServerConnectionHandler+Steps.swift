internal import NIOCore
internal import RPCCore

/// Runs the steps a stream's `ServerCallStateMachine` answers an event with, in their
/// declared order: the steps that carry a message (keep or deliver a request, send the head,
/// a message or the whole answer) are taken where the event happens. A stream whose call
/// ended leaves the connection's table here, once.
extension ServerConnectionHandler {
  func perform(_ actions: ServerCallActions, _ stream: ServerStream) {
    if let illegal = actions.illegal {
      logger.error("HTTP/2 call rule broken: \(illegal)", metadata: ["peer": "\(peer)", "stream": "\(stream.id)"])
      return perform(
        stream.machine.fail(RPCError(code: .internalError, message: "the server broke a call rule: \(illegal)")), stream)
    }
    let steps = actions.steps
    guard !steps.none else { return }
    if steps.has(.scheduleDeadline), let timeout = stream.call.timeout {
      stream.deadline = .now() + .init(timeout)
      if reading { pendingDeadlines.append(stream) } else { armDeadline(stream) }
    }
    if steps.has(.finishRequests) {
      stream.inbound?.finish()
      stream.inbound = nil
    }
    if steps.has(.waitForRoom) { holdForRoom(stream) }
    if steps.has(.dispatch) { dispatch(stream) }
    if steps.has(.cancelDeadline) {
      stream.deadline = nil
      stream.deadlineTimer?.cancel()
      stream.deadlineTimer = nil
    }
    if steps.has(.cancelHandler) {
      stream.abandon(actions.status ?? RPCError(code: .cancelled, message: "call closed"))
    }
    if steps.has(.sendStatus) { end(stream, status: actions.status, responseStarted: actions.responseStarted) }
    if steps.has(.resumeWriters) { stream.resumeWriters() }
    if steps.has(.notify), !shared.observers.isEmpty {
      shared.observers.finished(&stream.observed, status: actions.status)
    }
    if stream.machine.isClosed, streams[stream.id] === stream {
      streams[stream.id] = nil
      counts?.addStreams(-1)
      scheduleFlush()
      noteStreamGone()
    }
  }

  /// Arms the deadline timers of the calls that began in the read burst just over and are
  /// still open. A call answered within the burst it arrived in (a heartbeat, answered on the
  /// event loop) never schedules a timer nor cancels it: a cancel costs a walk over the event
  /// loop's timer heap. The deadline counts from the call's start all the same.
  func armPendingDeadlines() {
    guard !pendingDeadlines.isEmpty else { return }
    for stream in pendingDeadlines where stream.deadlineTimer == nil && streams[stream.id] === stream {
      armDeadline(stream)
    }
    pendingDeadlines.removeAll(keepingCapacity: true)
  }

  private func armDeadline(_ stream: ServerStream) {
    guard let deadline = stream.deadline, let loop = context?.eventLoop else { return }
    let loopBound = NIOLoopBound(self, eventLoop: loop)
    let id = stream.id
    stream.deadlineTimer = loop.scheduleTask(deadline: deadline) {
      let handler = loopBound.value
      guard let stream = handler.streams[id] else { return }
      handler.perform(stream.machine.deadlineFired(), stream)
    }
  }
}
