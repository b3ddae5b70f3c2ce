internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import PostgresNIO

/// The audit log's tables (`audit_records`, `audit_anchors`). Records are appended by the
/// commit statement (``PostgresCommitStatement``, as JSON of ``columns``); read and pruned here.
/// All values are bound.
enum PostgresAuditRows {
  static let columns = """
    organization, sequence, time_ns, identity_kind, identity_subject, method, target_kind, target_name, outcome_code,
      outcome_message, request_id, peer, count, previous_hash, hash
    """

  /// `record` as a JSON object of its columns.
  static func json(_ record: AuditRecord) -> String {
    var object = PostgresJSONObject()
    let (kind, subject): (String, String) =
      switch record.identity {
      case .user(let subject): ("user", subject)
      case .application(let subject): ("app", subject)
      case nil: ("", "")
      }
    object.field("organization", record.organization.name)
    object.field("sequence", Int64(bitPattern: record.sequence))
    object.field("time_ns", record.time.nanosecondsSinceEpoch)
    object.field("identity_kind", kind)
    object.field("identity_subject", subject)
    object.field("method", record.method)
    object.field("target_kind", record.target.kind)
    object.field("target_name", record.target.name)
    object.field("outcome_code", Int64(record.outcome.code))
    object.field("outcome_message", record.outcome.message)
    object.field("request_id", record.requestID)
    object.field("peer", record.peer)
    object.field("count", Int64(bitPattern: record.count))
    object.field("previous_hash", record.previousHash.hex)
    object.field("hash", record.hash.hex)
    return object.json
  }

  /// Writes `contents` as they are (`clusterpool-server migrate`), records a thousand per
  /// statement. Runs in the caller's transaction.
  static func insert(_ connection: PostgresConnection, _ contents: AuditLogContents, logger: Logger) async throws {
    for (organization, anchor) in contents.anchors {
      try await connection.run(
        """
        INSERT INTO audit_anchors (organization, sequence, hash)
        VALUES (\(organization.name), \(Int64(bitPattern: anchor.sequence)), \(anchor.hash.hex))
        """, logger: logger)
    }
    var start = contents.records.startIndex
    while start < contents.records.endIndex {
      let end = min(start + 1000, contents.records.endIndex)
      let page = PostgresJSON.array(contents.records[start..<end].map(json))
      try await connection.run(
        """
        INSERT INTO audit_records (\(unescaped: columns))
        SELECT \(unescaped: columns) FROM jsonb_populate_recordset(NULL::audit_records, \(page)::jsonb)
        """, logger: logger)
      start = end
    }
  }

  /// The chain's head: its last record, else its anchor, else empty.
  static func head(_ connection: PostgresConnection, _ organization: Organization, logger: Logger) async throws -> AuditChainHead {
    try await connection.rows(
      """
      (SELECT sequence, hash FROM audit_records WHERE organization = \(organization.name) ORDER BY sequence DESC LIMIT 1)
      UNION ALL (SELECT sequence, hash FROM audit_anchors WHERE organization = \(organization.name))
      ORDER BY sequence DESC LIMIT 1
      """, logger: logger
    ) { try chainHead($0, organization) }.first ?? .empty
  }

  static func records(
    _ connection: PostgresConnection, _ organization: Organization, after: UInt64, since: Timestamp?, limit: Int, logger: Logger
  ) async throws -> [AuditRecord] {
    try await connection.rows(
      """
      SELECT \(unescaped: columns) FROM audit_records
      WHERE organization = \(organization.name) AND sequence > \(Int64(bitPattern: after))
        AND time_ns >= \(since?.nanosecondsSinceEpoch ?? .min)
      ORDER BY sequence LIMIT \(Int64(limit))
      """, logger: logger, record)
  }

  static func organizations(_ connection: PostgresConnection, logger: Logger) async throws -> [Organization] {
    try await connection.rows(
      "SELECT DISTINCT organization FROM audit_records UNION SELECT organization FROM audit_anchors ORDER BY 1", logger: logger
    ) { Organization(stored: try PostgresColumns($0, "audit organization").text(0)) }
  }

  static func anchor(_ connection: PostgresConnection, _ organization: Organization, logger: Logger) async throws -> AuditChainHead? {
    try await connection.rows(
      "SELECT sequence, hash FROM audit_anchors WHERE organization = \(organization.name)", logger: logger
    ) { try chainHead($0, organization) }.first
  }

  /// Removes each chain's records older than `cutoff` (a prefix by sequence number) and records
  /// the last one removed as the chain's anchor, in one statement; returns how many went.
  static func prune(_ connection: PostgresConnection, before cutoff: Timestamp, logger: Logger) async throws -> Int {
    try await connection.rows(
      """
      WITH last AS (
        SELECT r.organization, r.sequence, r.hash FROM audit_records r
        JOIN (SELECT organization, max(sequence) AS sequence FROM audit_records WHERE time_ns < \(cutoff.nanosecondsSinceEpoch)
              GROUP BY organization) p ON r.organization = p.organization AND r.sequence = p.sequence
      ), anchored AS (
        INSERT INTO audit_anchors (organization, sequence, hash) SELECT organization, sequence, hash FROM last
        ON CONFLICT (organization) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash
      ), removed AS (
        DELETE FROM audit_records a USING last WHERE a.organization = last.organization AND a.sequence <= last.sequence
        RETURNING 1
      )
      SELECT count(*) FROM removed
      """, logger: logger
    ) { Int(try PostgresColumns($0, "pruned audit records").int(0)) }.first ?? 0
  }

  private static func chainHead(_ row: PostgresRow, _ organization: Organization) throws -> AuditChainHead {
    let columns = PostgresColumns(row, "audit chain head")
    guard let hash = AuditHash(hex: try columns.text(1)) else {
      throw StoreOpenError("corrupt audit chain head of \(organization.name)")
    }
    return AuditChainHead(sequence: UInt64(bitPattern: try columns.int(0)), hash: hash)
  }

  /// A record as stored; a hash that is not 64 hex digits reads as zero (verification reports it).
  private static func record(_ row: PostgresRow) throws -> AuditRecord {
    let columns = PostgresColumns(row, "audit record")
    let subject = try columns.text(4)
    let identity: Identity? =
      switch try columns.text(3) {
      case "user": .user(subject: subject)
      case "app": .application(subject: subject)
      default: nil
      }
    return AuditRecord(
      sequence: UInt64(bitPattern: try columns.int(1)), time: try columns.timestamp(2),
      organization: Organization(stored: try columns.text(0)), identity: identity, method: try columns.text(5),
      target: AuditTarget(kind: try columns.text(6), name: try columns.text(7)),
      outcome: AuditOutcome(code: try columns.int32(8), message: try columns.text(9)), requestID: try columns.text(10),
      peer: try columns.text(11), count: UInt64(bitPattern: try columns.int(12)),
      previousHash: AuditHash(hex: try columns.text(13)) ?? .zero, hash: AuditHash(hex: try columns.text(14)) ?? .zero)
  }
}
