internal import NIOCore

/// The lifecycle of streams and the connection: the first-request and idle timeouts, and the
/// graceful shutdown.
///
/// The idle timer is not cancelled and armed again per call: a connection that makes one call
/// a second (a cluster's heartbeat) did both each time, and cancelling a scheduled task costs
/// a walk over the event loop's whole timer heap, one idle timer per idle connection (10 % of
/// the server's CPU with 5,000 such connections). It stays armed; a call only notes when the
/// connection became free again, and the timer, when it fires, closes the connection only if
/// it has been free for the whole timeout, else waits for the rest.
extension ServerConnectionHandler {
  /// A request arrived: the connection is in use.
  func noteRequest() {
    guard !sawRequest else { return }
    sawRequest = true
    firstRequestTimer?.cancel()
    firstRequestTimer = nil
  }

  /// A stream went away: when none is left the connection is idle from now (the idle timer
  /// armed if it is not), or a shutdown finishes.
  func noteStreamGone() {
    guard streams.isEmpty, plainStreams.isEmpty, let context else { return }
    if shuttingDown {
      scheduleFlush()
      return
    }
    idleSince = .now()
    if idleTimer == nil { armIdleTimer(at: idleSince + .init(limits.idleTimeout), on: context.eventLoop) }
  }

  private func armIdleTimer(at deadline: NIODeadline, on loop: any EventLoop) {
    let loopBound = NIOLoopBound(self, eventLoop: loop)
    idleTimer = loop.scheduleTask(deadline: deadline) {
      let handler = loopBound.value
      handler.idleTimer = nil
      handler.idleTimerFired()
    }
  }

  /// Closes a connection free of streams for the whole idle timeout; one in use now is looked
  /// at again when its last stream goes, one free for less is looked at again when it may be.
  private func idleTimerFired() {
    guard streams.isEmpty, plainStreams.isEmpty, !shuttingDown, let context else { return }
    let due = idleSince + .init(limits.idleTimeout)
    if due > .now() { return armIdleTimer(at: due, on: context.eventLoop) }
    logger.debug("idle timeout", metadata: ["peer": "\(peer)"])
    beginGracefulShutdown()
  }

  /// Sends GOAWAY, lets open streams finish, refuses new ones, then closes.
  func beginGracefulShutdown() {
    guard !shuttingDown else { return }
    shuttingDown = true
    idleTimer?.cancel()
    idleTimer = nil
    session.goAway(lastStreamID: session.lastProcessedStreamID)
    if reading { return }
    flushOutput()
  }
}
