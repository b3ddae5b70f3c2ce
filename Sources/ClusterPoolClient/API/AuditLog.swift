public import Foundation
internal import ClusterPoolProto

/// One record of the server's audit log (`clusterpool.audit.v1.AuditService`): a change made,
/// a write rejected or a request denied (or a flood of them, ``count``).
public struct AuditLogRecord: Sendable, Hashable {
  public var sequence: UInt64
  public var time: Date
  public var organization: String
  /// `user`, `app`, or empty for a call without a verified credential.
  public var identityKind: String
  public var subject: String
  /// The full method path.
  public var method: String
  public var targetKind: String
  public var targetName: String
  /// The status code (0 OK) and its message.
  public var code: Int32
  public var message: String
  public var requestID: String
  public var peer: String
  public var count: UInt64
  public var previousHash: String
  public var hash: String

  typealias Service = Clusterpool.Audit.V1.AuditService

  init(proto record: Clusterpool.Audit.V1.AuditRecord) {
    sequence = record.sequence
    time = record.time.map { Date(timeIntervalSince1970: Double($0.seconds) + Double($0.nanos) / 1e9) } ?? Date(timeIntervalSince1970: 0)
    organization = record.organization
    identityKind =
      switch record.identity?.kind {
      case .user?: "user"
      case .app?: "app"
      default: ""
      }
    subject = record.identity?.subject ?? ""
    method = record.method
    targetKind = record.target?.kind ?? ""
    targetName = record.target?.name ?? ""
    code = record.outcome?.code ?? 0
    message = record.outcome?.message ?? ""
    requestID = record.requestId
    peer = record.peer
    count = record.count
    previousHash = record.previousHash
    hash = record.hash_
  }

  /// Which records to list; every filter given must match.
  public struct Filter: Sendable, Hashable {
    public var since: Date?
    public var until: Date?
    public var subject: String?
    /// The full method path or the method's name (e.g. `CreateClusterPool`).
    public var method: String?
    public var targetKind: String?
    public var targetName: String?
    /// Only successes (true), only failures (false), or both (nil).
    public var succeeded: Bool?

    public init(
      since: Date? = nil, until: Date? = nil, subject: String? = nil, method: String? = nil, targetKind: String? = nil,
      targetName: String? = nil, succeeded: Bool? = nil
    ) {
      self.since = since
      self.until = until
      self.subject = subject
      self.method = method
      self.targetKind = targetKind
      self.targetName = targetName
      self.succeeded = succeeded
    }
  }

  /// The organization's records `filter` matches, oldest first, at most `limit` (following
  /// the server's pages). Needs `ACTION_ADMINISTER_ACCOUNT`.
  public static func list(_ filter: Filter = .init(), limit: Int = 1000, client: ControlPlaneClient? = nil) async throws -> [AuditLogRecord] {
    let client = try ControlPlaneClient.resolve(client)
    var request = Clusterpool.Audit.V1.ListRequest()
    request.organization = client.organization
    request.startTime = filter.since.map(Self.timestamp)
    request.endTime = filter.until.map(Self.timestamp)
    request.subject = filter.subject ?? ""
    request.method = filter.method ?? ""
    if filter.targetKind != nil || filter.targetName != nil {
      request.target = .init(kind: filter.targetKind ?? "", name: filter.targetName ?? "")
    }
    if let succeeded = filter.succeeded { request.outcome = succeeded ? .success : .failure }
    var records: [AuditLogRecord] = []
    while records.count < limit {
      request.limit = UInt32(min(1000, limit - records.count))
      let page = try await client.call(Service.List.method, request, returning: Clusterpool.Audit.V1.ListResponse.self)
      records += page.records.map(AuditLogRecord.init(proto:))
      guard !page.nextToken.isEmpty else { break }
      request.token = page.nextToken
    }
    return records
  }

  static func timestamp(_ date: Date) -> Google.Protobuf.Timestamp {
    let seconds = date.timeIntervalSince1970.rounded(.down)
    return .init(seconds: Int64(seconds), nanos: Int32((date.timeIntervalSince1970 - seconds) * 1e9))
  }
}
