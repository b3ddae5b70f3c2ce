package import NIOCore
package import RPCCore

/// What an HTTP/1.1 connection tolerates; the server fills it from its own limits.
package struct HTTP1Configuration: Sendable {
  /// Largest request or response message, after decompression.
  package var maxMessageSize: Int
  /// A kept-alive connection with no request for this long is closed.
  package var idleTimeout: TimeAmount
  /// A connection whose first request head does not arrive within this time is closed.
  package var firstRequestTimeout: TimeAmount
  /// Told of every call once, when it ends.
  package var observers: CallObservers

  package init(
    maxMessageSize: Int, idleTimeout: TimeAmount, firstRequestTimeout: TimeAmount,
    observers: CallObservers = CallObservers([])
  ) {
    self.observers = observers
    self.maxMessageSize = maxMessageSize
    self.idleTimeout = idleTimeout
    self.firstRequestTimeout = firstRequestTimeout
  }
}
