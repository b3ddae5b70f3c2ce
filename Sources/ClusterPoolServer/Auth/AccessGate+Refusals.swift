internal import ClusterPoolDomain
internal import ClusterPoolStore
public import RPCCore

/// The gate records the refusals handlers raise for calls it admitted (``CallScope``: a
/// request naming another organization) as it records its own: through its ``AuditRecorder``,
/// in the caller's organization, aggregated under floods like them.
extension AccessGate: CallRefusals {
  /// The gate itself: handlers' refusals of the calls it admitted are recorded by it.
  public var refusals: (any CallRefusals)? { self }

  public func refusedInHandler(_ context: ServerContext, _ error: RPCError, targetKind: String, targetName: String) {
    guard let audit else { return }
    audit.refused(
      AuditCall.current ?? AuditCall(context, fallback: nil), organization: context.caller.map { Organization(stored: $0.organization) },
      target: AuditTarget(kind: targetKind, name: targetName), code: Int32(error.code.rawValue), message: error.message)
  }
}
