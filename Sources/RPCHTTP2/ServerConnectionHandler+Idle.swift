internal import NIOCore

/// The lifecycle of streams and the connection: the first-request and idle timeouts, and the
/// graceful shutdown.
///
/// A connection has no idle timer of its own: when its last stream goes it moves to the end of
/// its event loop's `IdleConnections`, whose one timer closes the connections idle for the whole
/// timeout. Nothing is cancelled or armed per call: a connection that makes one call a second (a
/// cluster's heartbeat) only moves to the end of the list again.
extension ServerConnectionHandler {
  /// A request arrived: the connection is in use.
  func noteRequest() {
    guard !sawRequest else { return }
    sawRequest = true
    firstRequestTimer?.cancel()
    firstRequestTimer = nil
  }

  /// A stream went away: when none is left the connection is idle from now (at the end of its
  /// loop's idle connections), or a shutdown finishes.
  func noteStreamGone() {
    guard streams.isEmpty, plainStreams.isEmpty, context != nil else { return }
    if shuttingDown {
      scheduleFlush()
      return
    }
    idleSince = .now()
    idle?.becameIdle(self)
  }

  /// Its loop's `IdleConnections` took the connection out: the idle timeout has passed since
  /// `idleSince`. Closes it if it is still free of streams; one in use again goes back to the
  /// list when its last stream goes.
  func idleTimedOut() {
    guard streams.isEmpty, plainStreams.isEmpty, !shuttingDown, context != nil else { return }
    logger.debug("idle timeout", metadata: ["peer": "\(peer)"])
    beginGracefulShutdown()
  }

  /// Sends GOAWAY, lets open streams finish, refuses new ones, then closes.
  func beginGracefulShutdown() {
    guard !shuttingDown else { return }
    shuttingDown = true
    idle?.remove(self)
    session.goAway(lastStreamID: session.lastProcessedStreamID)
    if reading { return }
    flushOutput()
  }
}
