public import RPCCore

/// Why a client connection failed, carried on the `UNAVAILABLE` error that ends its calls so
/// that a client can explain the failure without parsing the message.
public enum ClientConnectionFailure: String, Sendable, Hashable {
  /// The server answered cleartext HTTP/2 with TLS bytes: it expects TLS.
  case serverSpeaksTLS = "server-speaks-tls"
  /// The server answered bytes that are not HTTP/2 (and not TLS).
  case notHTTP2 = "not-http2"
  /// The connection closed or failed before the server sent a single byte (what a TLS server
  /// does to a cleartext client when its alert is lost in a reset).
  case closedBeforeAnswer = "closed-before-answer"
  /// TLS failed (handshake, certificate); the message has the TLS library's reason.
  case tls = "tls"
  /// The connection closed or failed after the server had answered.
  case lost = "lost"

  static let metadataKey = "x-rpc-internal-connection-failure"

  /// The failure `error` reports, if it is a connection failure of `RPCClient`.
  public init?(_ error: RPCError) {
    guard error.code == .unavailable, let value = error.metadata.first(Self.metadataKey) else { return nil }
    self.init(rawValue: value)
  }

  /// The error that ends a call because of this failure.
  func error(_ message: String) -> RPCError {
    RPCError(code: .unavailable, message: message, metadata: [Self.metadataKey: rawValue])
  }
}
