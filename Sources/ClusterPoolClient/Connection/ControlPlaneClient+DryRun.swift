internal import ClusterPoolProto
internal import RPCCore
internal import RPCHTTP2

/// Dry runs (`flyte apply --dry-run`, `flyte diff`): a dry-run client sends
/// `clusterpool-dry-run: true` with every call, so that the server runs each write whole
/// (authorization, validation, every rule, the store transaction's checks) and rolls it back,
/// answering what the committed call would have answered. A server that honours the header
/// echoes it on every answer; one that does not (an older server, another implementation)
/// would commit the write. So a dry-run client sends no write until an answer has echoed it:
/// make a read first (any `Get`/`List`), then writes. A write before that fails with
/// `FAILED_PRECONDITION` and is not sent (``requireDryRunSupport()`` says the same).
extension ControlPlaneClient {
  /// Whether every call of this client asks for a dry run.
  public var isDryRun: Bool { dryRunState != nil }

  /// Whether an answer to this dry-run client echoed `clusterpool-dry-run: true`, i.e. the
  /// server honours dry runs; always `false` for a client that writes.
  public var serverConfirmedDryRun: Bool { dryRunState?.confirmed ?? false }

  /// A client over the same connection, credentials and revisions whose every call asks
  /// for a dry run (``isDryRun``). Closing either client closes the connection.
  public func dryRunClient() -> ControlPlaneClient {
    isDryRun ? self : ControlPlaneClient(sharing: self, dryRun: true)
  }

  /// Throws unless an answer to this dry-run client confirmed that the server honours dry
  /// runs: `FAILED_PRECONDITION`, "the server at HOST:PORT does not support dry run; nothing
  /// was sent". A client that writes passes.
  public func requireDryRunSupport() throws(ClientError) {
    guard let dryRunState, !dryRunState.confirmed else { return }
    throw ClientError(
      code: .failedPrecondition,
      message: "the server at \(settings.target) does not support dry run; nothing was sent",
      hint: "Its answers did not carry \(DryRunMetadata.header): \(DryRunMetadata.enabled), so it would have "
        + "committed the changes. Make a read call first (the server echoes the header on every answer); "
        + "if it still is not echoed, upgrade the server.")
  }

  /// Refuses a dry-run call of a method that may write before the server confirmed dry runs.
  func checkDryRun(before method: ProtoMethodInfo) throws(ClientError) {
    guard dryRunState != nil, !Self.isRead(method.name) else { return }
    try requireDryRunSupport()
  }

  /// Whether a method only reads, by its name (`Get`, `GetCluster`, `List`, `ListQueues`,
  /// `Count`, `WatchClusters`); any other may write.
  static func isRead(_ name: String) -> Bool {
    ["Get", "List", "Count", "Watch"].contains { name.hasPrefix($0) }
  }

  /// Adds the dry-run header to `options` for a dry-run client, and notes its echo.
  func addDryRun(to options: inout CallOptions) {
    guard let dryRunState else { return }
    options.metadata.add(DryRunMetadata.header, DryRunMetadata.enabled)
    let previous = options.onResponseMetadata
    options.onResponseMetadata = { fields in
      previous?(fields)
      if fields.first(DryRunMetadata.header) == DryRunMetadata.enabled { dryRunState.confirm() }
    }
  }
}
