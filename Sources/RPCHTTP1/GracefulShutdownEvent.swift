/// Sent through a connection's pipeline when the server starts its graceful shutdown: an
/// HTTP/2 connection sends GOAWAY; an HTTP/1.1 one notes that a call cut short from now on
/// was cut by the shutdown (NIOHTTP1 closes it after the running call on
/// `ChannelShouldQuiesceEvent`).
package struct GracefulShutdownEvent: Sendable {
  package init() {}
}
