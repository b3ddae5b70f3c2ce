internal import NIOCore

/// The connection's one timer for the first request, idle keep-alive and stalled request
/// bodies. It is not cancelled and armed again per request: a client calling once a second (a
/// cluster's heartbeat) did both two times per call, and cancelling a scheduled task costs a
/// walk over the event loop's whole timer heap, one timer per idle connection. A request only
/// says what the timer watches from when; the timer, when it fires, looks and waits for the
/// rest if the time is not up.
extension HTTP1ConnectionHandler {
  /// Watches the connection for `timeout` from now (from the last body bytes while a request
  /// is open): a stalled body or, with no request, an idle connection is closed then.
  func armIdleTimer(_ timeout: TimeAmount) {
    guard let context, !closing, lingered == nil else { return }
    idleWatched = true
    idleLimit = timeout
    idleFrom = requestOpen ? lastRead : .now()
    let due = idleFrom + timeout
    if idleTimer != nil, idleTimerDue <= due { return }  // it fires first and looks then
    idleTimer?.cancel()
    scheduleIdleTimer(at: due, on: context.eventLoop)
  }

  private func scheduleIdleTimer(at due: NIODeadline, on loop: any EventLoop) {
    idleTimerDue = due
    let loopBound = NIOLoopBound(self, eventLoop: loop)
    idleTimer = loop.scheduleTask(deadline: due) {
      let handler = loopBound.value
      handler.idleTimer = nil
      handler.idleTimerFired()
    }
  }

  private func idleTimerFired() {
    guard idleWatched, let context, !closing, lingered == nil else { return }
    if requestOpen { idleFrom = lastRead }  // bytes came meanwhile: wait from the last
    let due = idleFrom + idleLimit
    if due > .now() { return scheduleIdleTimer(at: due, on: context.eventLoop) }
    if requestOpen {
      logger.debug("HTTP/1.1 request body stalled", metadata: ["peer": "\(peer)"])
      return closeNow()
    }
    guard call == nil, plain == nil else { return }
    logger.debug("HTTP/1.1 idle timeout", metadata: ["peer": "\(peer)"])
    closeNow()
  }
}
