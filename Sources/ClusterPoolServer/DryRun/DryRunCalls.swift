internal import ClusterPoolProto
public import ClusterPoolStore
public import RPCCore

/// Dry runs (`clusterpool-dry-run: true`, ``DryRunMetadata``) for every call of the services
/// that write (pools, clusters, queues, identity), a ``CallPolicy`` wrapping theirs
/// (``AuditedCalls``, ``RevisionHeaders``), whatever the transport and wire protocol:
///
/// - a call carrying the header runs whole: authentication and authorization as for the real
///   call (a viewer's dry-run write is `PERMISSION_DENIED`), validation, the rules, and its
///   store writes with ``StoreDryRun`` bound, so each runs in a transaction that is checked
///   and rolled back. Nothing is written, published, cached or audited; the answer is the
///   committed call's, or its error status and message. Reads are unaffected.
/// - every answer to such a call, reads and errors included, carries
///   `clusterpool-dry-run: true`, so that a client can tell the server honoured it (a server
///   that ignores the header would have committed the write).
/// - any other value of the header is `INVALID_ARGUMENT` naming it.
/// - methods whose effect is not a store write refuse a dry run with `FAILED_PRECONDITION`
///   naming the method (``refusals``).
public final class DryRunCalls: CallPolicy {
  let inner: any CallPolicy

  /// Methods (`service/method`) that cannot be dry run, and why.
  static let refusals: [String: String] = [
    "cloudidl.cluster.ClusterService/Heartbeat":
      "a heartbeat records the cluster's health in the server's memory, outside the store's transactions",
    "cloudidl.cluster.ClusterService/UpdateStatus":
      "a status report records the cluster's health in the server's memory, outside the store's transactions",
    "cloudidl.identity.AppsService/Create":
      "it answers with the new API key's secret, which a dry run would not store",
  ]

  /// The policy adding dry runs to `inner`.
  public init(wrapping inner: any CallPolicy) {
    self.inner = inner
  }

  /// Whether the call of `context` asks for a dry run (its header says `true`; any other
  /// value was refused at admission).
  static func isDryRun(_ context: ServerContext) -> Bool {
    context.requestMetadata.first(lowercased: DryRunMetadata.header) == DryRunMetadata.enabled
  }

  public func admission(_ context: ServerContext) throws(RPCError) -> (@Sendable () async throws -> Void)? {
    if let value = context.requestMetadata.first(lowercased: DryRunMetadata.header) {
      guard value == DryRunMetadata.enabled else {
        throw RPCError(
          code: .invalidArgument,
          message: "\(DryRunMetadata.header) must be \"\(DryRunMetadata.enabled)\" (a dry run) or left out: "
            + "got \"\(value.prefix(64))\"")
      }
      let method = "\(context.method.service)/\(context.method.method)"
      if let reason = Self.refusals[method] {
        throw RPCError(code: .failedPrecondition, message: "\(method) cannot be dry run (\(DryRunMetadata.header)): \(reason)")
      }
    }
    return try inner.admission(context)
  }

  public func responseVersion() -> UInt64 { inner.responseVersion() }

  public func responseFields(version: UInt64) -> [(String, String)] { inner.responseFields(version: version) }

  public func callFields(for context: ServerContext) -> [(String, String)] {
    let own = inner.callFields(for: context)
    guard Self.isDryRun(context) else { return own }
    return own + [(DryRunMetadata.header, DryRunMetadata.enabled)]
  }

  public func run<Output: Sendable>(_ context: ServerContext, _ handler: @Sendable () async throws -> Output) async throws -> Output {
    guard Self.isDryRun(context) else { return try await inner.run(context, handler) }
    return try await StoreDryRun.$isActive.withValue(true) { try await inner.run(context, handler) }
  }
}
