/// Which audit records of one organization a listing wants: every filter given must match.
/// Records come oldest first (by sequence number), a page at a time: ``after`` is the last
/// sequence number of the page before (0 for the first page).
public struct AuditQuery: Sendable, Hashable {
  public var organization: Organization
  /// Records at or after this time.
  public var start: Timestamp?
  /// Records before this time.
  public var end: Timestamp?
  /// Records of this identity's subject.
  public var subject: String?
  /// Records of this method: the full path (`/pkg.Service/Method`) or the method's name.
  public var method: String?
  public var targetKind: String?
  public var targetName: String?
  public var outcome: OutcomeFilter
  /// Records with a sequence number above this.
  public var after: UInt64
  /// The most records to return.
  public var limit: Int

  /// Which outcomes match.
  public enum OutcomeFilter: Sendable, Hashable {
    case any
    case success
    case failure
    case code(Int32)

    public func matches(_ outcome: AuditOutcome) -> Bool {
      switch self {
      case .any: true
      case .success: outcome.code == 0
      case .failure: outcome.code != 0
      case .code(let code): outcome.code == code
      }
    }
  }

  public init(
    organization: Organization, start: Timestamp? = nil, end: Timestamp? = nil, subject: String? = nil, method: String? = nil,
    targetKind: String? = nil, targetName: String? = nil, outcome: OutcomeFilter = .any, after: UInt64 = 0, limit: Int = 100
  ) {
    self.organization = organization
    self.start = start
    self.end = end
    self.subject = subject
    self.method = method
    self.targetKind = targetKind
    self.targetName = targetName
    self.outcome = outcome
    self.after = after
    self.limit = limit
  }

  /// Whether `record` matches every filter (the organization and ``after`` included).
  public func matches(_ record: AuditRecord) -> Bool {
    guard record.organization == organization, record.sequence > after else { return false }
    if let start, record.time < start { return false }
    if let end, !(record.time < end) { return false }
    if let subject, record.identity?.subject ?? "" != subject { return false }
    if let method, record.method != method && !record.method.hasSuffix("/" + method) { return false }
    if let targetKind, record.target.kind != targetKind { return false }
    if let targetName, record.target.name != targetName { return false }
    return outcome.matches(record.outcome)
  }
}
