/// Told about a call its handler refused after the authenticator admitted it (a request naming
/// another organization than its caller's), so that such refusals are recorded as the
/// authenticator records its own. The registry's ``CallAuthenticator`` is the call's recorder
/// when it conforms (``ServerContext/refusals``).
public protocol CallRefusals: Sendable {
  /// Records that the call `context` describes ended with `error` inside its handler, naming
  /// `targetKind` `targetName` (both empty when unknown). Must not block.
  func refusedInHandler(_ context: ServerContext, _ error: RPCError, targetKind: String, targetName: String)
}
