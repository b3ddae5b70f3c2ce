public import RPCCore

/// A failed control-plane call: the gRPC status code, the server's message, and for a server
/// that cannot be reached, how to point the client at one.
///
/// `description` is the one line the CLI prints: `NOT_FOUND: cluster pool "x" not found`.
public struct ClientError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The status code type (`.notFound`, `.invalidArgument`, ...).
  public typealias Code = RPCStatusCode

  /// The status code.
  public var code: Code
  /// The server's message (or the transport's, for a connection failure).
  public var message: String
  /// What to do about it, when the client knows (e.g. how to set the endpoint).
  public var hint: String?

  /// Creates an error.
  public init(code: Code, message: String, hint: String? = nil) {
    self.code = code
    self.message = message
    self.hint = hint
  }

  /// `true` when no connection to the server could be made, or it was lost.
  public var isConnectionFailure: Bool {
    code == .unavailable && Self.connectionFailurePrefixes.contains { message.hasPrefix($0) }
  }

  public var description: String {
    let line = message.isEmpty ? code.name : "\(code.name): \(message)"
    guard let hint else { return line }
    return "\(line)\n\(hint)"
  }

  /// The gist of a transport's connection error, e.g. `connection refused`.
  static func reason(_ message: String) -> String {
    let known = [
      ("connection refused", "connection refused"), ("timed out", "connection timed out"),
      ("timeout", "connection timed out"), ("no such host", "unknown host"), ("name or service not known", "unknown host"),
      ("could not resolve", "unknown host"), ("network is unreachable", "network unreachable"),
      ("certificate_verify_failed", "the server's TLS certificate is not trusted (--ca-cert, admin.caCertFilePath)"),
      ("wrong_version_number", "TLS handshake failed (is the server cleartext? then --insecure)"),
      ("handshake", "TLS handshake failed"), ("ssl", "TLS failed"),
      ("reset by peer", "the connection was reset"), ("closed", "the connection was closed"),
      ("ended", "the connection was closed"),
    ]
    let lowered = message.lowercased()
    if let match = known.first(where: { lowered.contains($0.0) }) { return match.1 }
    guard let colon = message.range(of: ": ") else { return message }
    return String(message[colon.upperBound...])
  }

  /// Messages of `RPCClient` for a server it could not reach.
  static let connectionFailurePrefixes = [
    "cannot connect to", "no usable connection", "connection to ", "lost the connection to ",
  ]
}

/// Connection settings that cannot be used: a config file missing or invalid, a bad endpoint.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What is wrong, naming the file or setting.
  public var message: String

  /// Creates an error.
  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
