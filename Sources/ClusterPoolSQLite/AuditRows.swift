internal import ClusterPoolDomain
internal import ClusterPoolStore

/// The SQL of the audit log (`audit_records`, `audit_anchors`). All parameters are bound.
enum AuditRows {
  static func insert(_ connection: SQLiteConnection, _ record: AuditRecord) throws {
    let (kind, subject) = identityColumns(record.identity)
    try connection.run(
      """
      INSERT INTO audit_records (organization, sequence, time_ns, identity_kind, identity_subject, method, target_kind,
        target_name, outcome_code, outcome_message, request_id, peer, count, previous_hash, hash)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
      """,
      [
        .text(record.organization.name), .integer(Int64(bitPattern: record.sequence)), .integer(record.time.nanosecondsSinceEpoch),
        .text(kind), .text(subject), .text(record.method), .text(record.target.kind), .text(record.target.name),
        .integer(Int64(record.outcome.code)), .text(record.outcome.message), .text(record.requestID), .text(record.peer),
        .integer(Int64(bitPattern: record.count)), .text(record.previousHash.hex), .text(record.hash.hex),
      ])
  }

  /// The chain's head: its last record, else its anchor, else empty.
  static func head(_ connection: SQLiteConnection, _ organization: Organization) throws -> AuditChainHead {
    var head: AuditChainHead?
    try connection.run(
      """
      SELECT sequence, hash FROM audit_records WHERE organization = ?1
      UNION ALL SELECT sequence, hash FROM audit_anchors WHERE organization = ?1
      ORDER BY sequence DESC LIMIT 1
      """, [.text(organization.name)]
    ) { row in head = try chainHead(row, organization) }
    return head ?? .empty
  }

  static func records(_ connection: SQLiteConnection, _ organization: Organization, after: UInt64, since: Timestamp?, limit: Int)
    throws -> [AuditRecord]
  {
    var records: [AuditRecord] = []
    try connection.run(
      """
      SELECT organization, sequence, time_ns, identity_kind, identity_subject, method, target_kind, target_name, outcome_code,
        outcome_message, request_id, peer, count, previous_hash, hash
      FROM audit_records WHERE organization = ?1 AND sequence > ?2 AND time_ns >= ?3 ORDER BY sequence LIMIT ?4
      """,
      [
        .text(organization.name), .integer(Int64(bitPattern: after)), .integer(since?.nanosecondsSinceEpoch ?? .min),
        .integer(Int64(limit)),
      ]
    ) { row in records.append(try record(row)) }
    return records
  }

  static func organizations(_ connection: SQLiteConnection) throws -> [Organization] {
    var names: [Organization] = []
    try connection.run("SELECT organization FROM audit_records GROUP BY organization UNION SELECT organization FROM audit_anchors ORDER BY 1") {
      row in names.append(Organization(stored: row.text(0)))
    }
    return names
  }

  static func anchor(_ connection: SQLiteConnection, _ organization: Organization) throws -> AuditChainHead? {
    var head: AuditChainHead?
    try connection.run("SELECT sequence, hash FROM audit_anchors WHERE organization = ?1", [.text(organization.name)]) { row in
      head = try chainHead(row, organization)
    }
    return head
  }

  /// Removes each chain's records older than `cutoff` (a prefix by sequence number), recording
  /// the last one removed as the chain's anchor. Runs in the caller's transaction.
  static func prune(_ connection: SQLiteConnection, before cutoff: Timestamp) throws -> Int {
    var last: [(Organization, AuditChainHead)] = []
    try connection.run(
      """
      SELECT r.organization, r.sequence, r.hash FROM audit_records r
      JOIN (SELECT organization, max(sequence) AS sequence FROM audit_records WHERE time_ns < ?1 GROUP BY organization) p
        ON r.organization = p.organization AND r.sequence = p.sequence
      """, [.integer(cutoff.nanosecondsSinceEpoch)]
    ) { row in
      let organization = Organization(stored: row.text(0))
      guard let hash = AuditHash(hex: row.text(2)) else { throw StoreOpenError("corrupt audit record hash in \(organization.name)") }
      last.append((organization, AuditChainHead(sequence: UInt64(bitPattern: row.integer(1)), hash: hash)))
    }
    var removed = 0
    for (organization, head) in last {
      removed += try connection.run(
        "DELETE FROM audit_records WHERE organization = ?1 AND sequence <= ?2",
        [.text(organization.name), .integer(Int64(bitPattern: head.sequence))])
      try connection.run(
        "INSERT OR REPLACE INTO audit_anchors (organization, sequence, hash) VALUES (?1, ?2, ?3)",
        [.text(organization.name), .integer(Int64(bitPattern: head.sequence)), .text(head.hash.hex)])
    }
    return removed
  }

  static func identityColumns(_ identity: Identity?) -> (String, String) {
    switch identity {
    case .user(let subject): ("user", subject)
    case .application(let subject): ("app", subject)
    case nil: ("", "")
    }
  }

  private static func chainHead(_ row: SQLiteRow, _ organization: Organization) throws -> AuditChainHead {
    guard let hash = AuditHash(hex: row.text(1)) else { throw StoreOpenError("corrupt audit chain head of \(organization.name)") }
    return AuditChainHead(sequence: UInt64(bitPattern: row.integer(0)), hash: hash)
  }

  /// A record as stored. A hash that is not 64 hex digits reads as zero (verification then
  /// reports the record), so an edited row never stops a listing.
  private static func record(_ row: SQLiteRow) throws -> AuditRecord {
    let identity: Identity? =
      switch row.text(3) {
      case "user": .user(subject: row.text(4))
      case "app": .application(subject: row.text(4))
      default: nil
      }
    return AuditRecord(
      sequence: UInt64(bitPattern: row.integer(1)), time: Timestamp(nanosecondsSinceEpoch: row.integer(2)),
      organization: Organization(stored: row.text(0)), identity: identity, method: row.text(5),
      target: AuditTarget(kind: row.text(6), name: row.text(7)),
      outcome: AuditOutcome(code: Int32(truncatingIfNeeded: row.integer(8)), message: row.text(9)), requestID: row.text(10),
      peer: row.text(11), count: UInt64(bitPattern: row.integer(12)), previousHash: AuditHash(hex: row.text(13)) ?? .zero,
      hash: AuditHash(hex: row.text(14)) ?? .zero)
  }
}
