internal import NIOCore
internal import RPCCore

/// Runs the steps the call's `ServerCallStateMachine` answers an event with, in their
/// declared order: the steps that carry a message (keep the request, send the head, a
/// message or the whole answer) are taken where the event happens.
extension HTTP1ConnectionHandler {
  /// Runs `actions`' steps for `call`; `keepAlive: false` closes the connection after a
  /// status answer (a request body that cannot be read to its end).
  func perform(_ actions: ServerCallActions, _ call: HTTP1Call, keepAlive: Bool = true) {
    if let illegal = actions.illegal {
      logger.error("HTTP/1.1 call rule broken: \(illegal)", metadata: ["peer": "\(peer)"])
      return perform(
        call.machine.fail(RPCError(code: .internalError, message: "the server broke a call rule: \(illegal)")), call,
        keepAlive: false)
    }
    let steps = actions.steps
    if steps.has(.scheduleDeadline), let timeout = call.wire.timeout, let loop = context?.eventLoop {
      let loopBound = NIOLoopBound(self, eventLoop: loop)
      let id = call.id
      call.deadlineTimer = loop.scheduleTask(in: .nanoseconds(timeout.saturatingNanoseconds)) {
        let handler = loopBound.value
        guard let call = handler.call, call.id == id else { return }
        handler.perform(call.machine.deadlineFired(), call)
      }
    }
    if steps.has(.dispatch) { dispatch(call) }
    if steps.has(.cancelDeadline) {
      call.deadlineTimer?.cancel()
      call.deadlineTimer = nil
    }
    if steps.has(.cancelHandler) {
      call.task?.cancel()
      call.writers.failAll(actions.status ?? RPCError(code: .cancelled, message: "call closed"))
    }
    // Observers before the status: the answer is flushed at once, and a client that has it
    // must find its call counted (`/metrics` scraped right after).
    if steps.has(.notify), !observers.isEmpty { observers.finished(&call.observed, status: actions.status) }
    if steps.has(.sendStatus) {
      end(call, status: actions.status, responseStarted: actions.responseStarted, keepAlive: keepAlive)
    }
    if steps.has(.resumeWriters) { call.writers.resumeAll() }
  }
}
