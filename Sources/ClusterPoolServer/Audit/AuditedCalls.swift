public import ClusterPoolDomain
public import ClusterPoolStore
public import RPCCore

/// The audit seam of every call of the services that write (pools, clusters, queues, identity),
/// a ``CallPolicy`` wrapping the services' own (``RevisionHeaders``): binds the call's
/// ``AuditCall`` around its handler, so each store write it makes appends its record in the
/// write's transaction; and hands a write that failed (the rules' rejection, a denial) or any
/// call refused `PERMISSION_DENIED` to the ``AuditRecorder``.
public final class AuditedCalls: CallPolicy {
  let inner: any CallPolicy
  let recorder: AuditRecorder
  /// Who calls with authentication off (nil with it on: a call then has a verified caller).
  let fallback: Identity?

  public init(wrapping inner: any CallPolicy, recorder: AuditRecorder, fallback: Identity?) {
    self.inner = inner
    self.recorder = recorder
    self.fallback = fallback
  }

  public func admission(_ context: ServerContext) throws(RPCError) -> (@Sendable () async throws -> Void)? {
    try inner.admission(context)
  }

  public func responseVersion() -> UInt64 { inner.responseVersion() }

  public func responseFields(version: UInt64) -> [(String, String)] { inner.responseFields(version: version) }

  public func callFields(for context: ServerContext) -> [(String, String)] { inner.callFields(for: context) }

  public func run<Output: Sendable>(_ context: ServerContext, _ handler: @Sendable () async throws -> Output) async throws -> Output {
    let call = AuditCall(context, fallback: fallback)
    do {
      return try await AuditCall.$current.withValue(call) { try await inner.run(context, handler) }
    } catch let error as RPCError {
      let denied = error.code == .permissionDenied || error.code == .unauthenticated
      // a dry run's rejection changed nothing and is not recorded; a denial is, as for any call
      let written = !MethodAccess.isRead(context.method.method) && !StoreDryRun.isActive
      if (denied || written) && !call.refusal.isRecorded {
        let organization = call.touched.organization ?? context.caller.map { Organization(stored: $0.organization) }
        recorder.refused(call, organization: organization, code: Int32(error.code.rawValue), message: error.message)
      }
      throw error
    }
  }
}
