public import ClusterPoolDomain

/// The audit log as a server serves it: the `AuditService`, the recorder of refused calls and
/// who calls when authentication is off (nil with it on).
public struct AuditServing: Sendable {
  public var service: AuditService
  public var recorder: AuditRecorder
  public var fallback: Identity?

  public init(service: AuditService, recorder: AuditRecorder, fallback: Identity?) {
    self.service = service
    self.recorder = recorder
    self.fallback = fallback
  }
}
