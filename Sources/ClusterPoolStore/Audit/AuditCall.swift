public import ClusterPoolDomain
internal import Synchronization

/// Who makes the running call and how, for its audit record: bound by the server around every
/// call's handler (``current``); each write of ``PoolStore`` done in that task records it,
/// with the write's target and organization, in the write's own transaction. Writes made with
/// none bound (the server's own: saved health) are not audited.
public struct AuditCall: Sendable {
  /// The full method path.
  public var method: String
  /// The verified caller (with authentication off, the server's default identity); nil for none.
  public var identity: Identity?
  /// The request's `x-request-id`, else one generated.
  public var requestID: String
  /// The caller's address.
  public var peer: String
  /// The organization the call's last store write touched (set by the store, also for a write
  /// it rejected): where a rejection is recorded when the caller has none of its own.
  public let touched = TouchedOrganization()
  /// Whether the call's refusal was recorded already where it was raised (a request naming
  /// another organization), so the call's policy does not record it again.
  public let refusal = RecordedRefusal()

  public init(method: String, identity: Identity?, requestID: String, peer: String) {
    self.method = method
    self.identity = identity
    self.requestID = requestID
    self.peer = peer
  }

  /// The call of the running task, if any.
  @TaskLocal public static var current: AuditCall?

  /// The record of this call on `target` in `organization` ending with `outcome`, at `time`
  /// (its chain fields are set when appended).
  public func record(_ organization: Organization, _ target: AuditTarget, _ outcome: AuditOutcome, at time: Timestamp, count: UInt64 = 1)
    -> AuditRecord
  {
    AuditRecord(
      time: time, organization: organization, identity: identity, method: method, target: target, outcome: outcome,
      requestID: requestID, peer: peer, count: count)
  }
}

/// The organization a call's store write touched, noted by the store (``AuditCall/touched``).
public final class TouchedOrganization: Sendable {
  private let value = Mutex<Organization?>(nil)

  public init() {}

  public var organization: Organization? { value.withLock { $0 } }

  func note(_ organization: Organization) { value.withLock { $0 = organization } }
}

/// Whether a call's refusal was recorded where it was raised (``AuditCall/refusal``).
public final class RecordedRefusal: Sendable {
  private let value = Mutex(false)

  public init() {}

  public var isRecorded: Bool { value.withLock { $0 } }

  public func markRecorded() { value.withLock { $0 = true } }
}
