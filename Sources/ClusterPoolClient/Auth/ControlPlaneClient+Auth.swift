internal import RPCCore
internal import RPCHTTP2

/// Credentials on every call: the bearer token of ``ConnectionSettings/credentials`` in the
/// header the server names; after an `UNAUTHENTICATED` answer a new token and one retry.
extension ControlPlaneClient {
  /// Runs `body` with the call's options, the token header added when credentials are sent;
  /// with `retry`, once more with a new token after `UNAUTHENTICATED`. A refusal that remains
  /// is a `ClientError` saying which credentials were refused, or that none were sent.
  func authorized<Result>(
    timeout: Duration?, retry: Bool, _ body: (CallOptions) async throws -> Result
  ) async throws -> Result {
    var options = callOptions(timeout: timeout)
    guard let tokens else {
      do {
        return try await body(options)
      } catch let error as RPCError where error.code == .unauthenticated {
        throw unauthenticated(error)
      }
    }
    let first = try await tokens.header()
    options.metadata.add(first.name, first.value)
    do {
      return try await body(options)
    } catch let error as RPCError where error.code == .unauthenticated {
      guard retry else { throw unauthenticated(error) }
      let renewed = try await tokens.header(replacing: first.value)
      options = callOptions(timeout: timeout)
      options.metadata.add(renewed.name, renewed.value)
      do {
        return try await body(options)
      } catch let error as RPCError where error.code == .unauthenticated {
        throw unauthenticated(error)
      }
    }
  }

  /// The error for the server's `UNAUTHENTICATED`: its message, and what the client sent.
  func unauthenticated(_ error: RPCError) -> ClientError {
    let message = settings.credentials?.secret?.masked(in: error.message) ?? error.message
    return ClientError(code: .unauthenticated, message: message, hint: credentialsHint)
  }

  /// What to tell someone the server did not authenticate.
  var credentialsHint: String {
    guard let credentials = settings.credentials else {
      return "No credentials were sent: set FLYTE_API_KEY (or --api-key) to an API key (flyte create api-key), "
        + "or admin.authType ClientSecret (admin.clientId, admin.clientSecretLocation) or ExternalCommand "
        + "(admin.command) in the config file."
    }
    guard settings.sendsCredentials else {
      return "The credentials (\(credentials)) were not sent: the connection is cleartext (--insecure, admin.insecure) "
        + "and credentials go only over TLS. Use TLS, or --allow-insecure-credentials where TLS ends in front of the server."
    }
    return "The server refused \(credentials) even with a new token: check that the key exists and is not deleted."
  }

  /// How many tokens the client has got (token endpoint or command) so far.
  public var tokensFetched: Int {
    get async { await tokens?.fetches ?? 0 }
  }
}
