internal import NIOCore

/// The HTTP/2 connections of one server on one event loop that became free of streams, in the
/// order they did, and the one timer that closes them once idle for the whole idle timeout.
///
/// A connection used to keep a scheduled task of its own for this (NIO's task with its
/// closures and promise, and a slot in the loop's timer heap, which never shrinks): about
/// 300 bytes of every idle connection. Here a connection whose last stream goes moves to the
/// end of its loop's list, linked through two fields of its handler (``Links``), so the list is
/// in order of `idleSince` (one thread, one monotonic clock), and one timer is armed for the
/// first one's deadline. When it fires it takes, from the front, the connections whose
/// deadline has passed: one still free of streams is closed (GOAWAY, as before), one in use
/// again just leaves the list until its last stream goes. A call costs a few pointer moves,
/// no timer work; the timer is never cancelled (a cancel walks the loop's whole timer heap):
/// fired before the front's deadline (the front went), it is armed again for that deadline.
///
/// Used on its event loop only; a handler is unlinked before it goes (`remove`, from its
/// `channelInactive` and `handlerRemoved`), so the links need no reference counting.
final class IdleConnections {
  /// A handler's place in its loop's list.
  struct Links {
    unowned(unsafe) var previous: ServerConnectionHandler?
    unowned(unsafe) var next: ServerConnectionHandler?
    var linked = false
  }

  private let timeout: TimeAmount
  private let loop: any EventLoop
  private unowned(unsafe) var first: ServerConnectionHandler?
  private unowned(unsafe) var last: ServerConnectionHandler?
  private var armed = false
  /// Connections in the list.
  private(set) var count = 0

  init(timeout: TimeAmount, loop: any EventLoop) {
    self.timeout = timeout
    self.loop = loop
  }

  /// The connection became free of streams now (its `idleSince`): it goes to the end.
  func becameIdle(_ handler: ServerConnectionHandler) {
    if handler.idleLinks.linked { remove(handler) }
    handler.idleLinks = Links(previous: last, next: nil, linked: true)
    if let last { last.idleLinks.next = handler } else { first = handler }
    last = handler
    count += 1
    if !armed { arm(at: handler.idleSince + timeout) }
  }

  /// Takes the connection out of the list (closing, closed, or its deadline passed).
  func remove(_ handler: ServerConnectionHandler) {
    let links = handler.idleLinks
    guard links.linked else { return }
    if let previous = links.previous { previous.idleLinks.next = links.next } else { first = links.next }
    if let next = links.next { next.idleLinks.previous = links.previous } else { last = links.previous }
    handler.idleLinks = Links()
    count -= 1
  }

  private func arm(at deadline: NIODeadline) {
    armed = true
    let bound = NIOLoopBound(self, eventLoop: loop)
    loop.scheduleTask(deadline: deadline) { bound.value.fire() }
  }

  private func fire() {
    armed = false
    let now = NIODeadline.now()
    while let handler = first {
      let due = handler.idleSince + timeout
      if due > now { return arm(at: due) }
      remove(handler)
      handler.idleTimedOut()
    }
  }
}
