internal import NIOCore
internal import Synchronization

/// A server's open connections, for its shutdown: drained, closed, waited for.
///
/// A connection enters once its first handler is in place and leaves from the handlers that
/// hold it when it closes (`remove(_:)`, called again is harmless), rather than through a
/// close-future callback of its own: NIO keeps each callback with its two closures (72 bytes
/// asked of `malloc`) for the life of the connection. HTTP/2 connections leave from
/// `ServerConnectionHandler.handlerRemoved`, connections still choosing their version from
/// `HTTPVersionDetector`'s, HTTP/1.1 ones from the close callback that also counts them out.
final class ConnectionTable: Sendable {
  private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

  init() {}

  /// How many connections are open.
  var count: Int { channels.withLock { $0.count } }

  /// The open connections, at the time of the call.
  var all: [any Channel] { channels.withLock { Array($0.values) } }

  func insert(_ channel: any Channel) {
    channels.withLock { $0[ObjectIdentifier(channel)] = channel }
  }

  func remove(_ channel: any Channel) {
    _ = channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
  }
}
