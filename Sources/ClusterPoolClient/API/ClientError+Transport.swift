internal import RPCCore
internal import RPCHTTP2

extension ClientError {
  /// The error for `error`, thrown by an `RPCClient` call of `method` to `settings`'
  /// endpoint: a deadline names the endpoint, the method and the timeout; a connection
  /// failure says what it means (the server speaks TLS and the client does not, or the
  /// reverse; the connection was lost) and what to do.
  init(_ error: any Error, settings: ConnectionSettings, method: String) {
    switch error {
    case let error as ClientError:
      self = error
    case let error as RPCError:
      self.init(code: error.code, message: error.message)
      if error.code == .deadlineExceeded {
        message = Self.deadlineMessage(settings: settings, method: method)
      } else if let failure = ClientConnectionFailure(error) {
        (message, hint) = Self.explain(failure, error.message, settings: settings, method: method)
      } else if isConnectionFailure {
        message = "cannot connect to \(settings.target): \(Self.reason(error.message))"
        hint = settings.connectionHint
      }
    case is CancellationError:
      self.init(code: .cancelled, message: "call cancelled")
    default:
      self.init(code: .unknown, message: "\(error)")
    }
  }

  /// `no answer from HOST:PORT to METHOD within 30 s; raise --timeout or check the server`.
  static func deadlineMessage(settings: ConnectionSettings, method: String) -> String {
    let within = settings.callTimeout.map { " within \(Self.seconds($0))" } ?? ""
    return "no answer from \(settings.target) to \(method)\(within); raise --timeout or check the server"
  }

  /// The one message for a cleartext client at a TLS server, whichever way the server's
  /// refusal arrived (a TLS alert read as HTTP/2, the connection closed, or reset).
  static func cleartextToTLS(_ target: String) -> String {
    "cannot connect to \(target): the server speaks TLS (it refused cleartext HTTP/2 with a TLS alert or by "
      + "closing the connection); drop --insecure or set admin.insecure: false"
  }

  /// The message for a TLS client at a cleartext server.
  static func tlsToCleartext(_ target: String) -> String {
    "cannot connect to \(target): the server speaks cleartext HTTP/2, not TLS; "
      + "add --insecure or set admin.insecure: true"
  }

  /// The message and hint for a connection failure of the transport.
  private static func explain(
    _ failure: ClientConnectionFailure, _ detail: String, settings: ConnectionSettings, method: String
  ) -> (String, String?) {
    let target = settings.target
    switch failure {
    case .serverSpeaksTLS:
      return (cleartextToTLS(target), nil)
    case .closedBeforeAnswer where settings.insecure:
      return (cleartextToTLS(target), nil)
    case .tls where detail.lowercased().contains("wrong_version_number"):
      return (tlsToCleartext(target), nil)
    case .notHTTP2:
      let said = detail.range(of: "does not speak").map { "the server " + detail[$0.lowerBound...] } ?? detail
      return ("cannot connect to \(target): \(said)", settings.connectionHint)
    case .closedBeforeAnswer, .tls:
      return ("cannot connect to \(target): \(reason(detail))", settings.connectionHint)
    case .lost:
      return ("lost the connection to \(target) during \(method): \(reason(detail))", nil)
    }
  }

  /// `30 s`, `0.5 s`.
  static func seconds(_ duration: Duration) -> String {
    let (whole, fraction) = duration.components
    guard fraction != 0 else { return "\(whole) s" }
    let millis = (Double(whole) * 1000 + (Double(fraction) / 1e15).rounded()) / 1000
    return "\(millis) s"
  }
}
