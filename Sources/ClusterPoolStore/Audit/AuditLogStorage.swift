public import ClusterPoolDomain

/// How a backend lets the audit log be read and pruned, outside the write loop's
/// transactions (records are appended only inside them, ``RowTransaction/append(_:)``).
public protocol AuditLogStorage: Sendable {
  /// Records of `organization` with a sequence number above `after`, oldest first, at most
  /// `limit`; when `since` is given, only those at or after it.
  func auditRecords(_ organization: Organization, after: UInt64, since: Timestamp?, limit: Int) async throws -> [AuditRecord]

  /// Where `organization`'s chain ends now (its last record, else its anchor, else empty).
  func auditHead(_ organization: Organization) async throws -> AuditChainHead

  /// Every organization with a chain (records or an anchor), sorted.
  func auditOrganizations() async throws -> [Organization]

  /// The head of the last record retention removed from `organization`'s chain: where what
  /// is left starts; nil when none was removed.
  func auditAnchor(_ organization: Organization) async throws -> AuditChainHead?

  /// Removes the records older than `cutoff`, keeping for each chain the head of the last
  /// one removed as its anchor (a chain's records are removed oldest first, by sequence
  /// number, so what is left still verifies). Returns how many were removed.
  func pruneAudit(before cutoff: Timestamp) async throws -> Int
}

extension AuditLogStorage {
  /// Verifies every chain from its anchor; throws the first bad record
  /// (``AuditChainBroken``). Returns the organizations and records checked.
  public func verifyAudit(pageSize: Int = 1000) async throws -> (organizations: Int, records: Int) {
    let organizations = try await auditOrganizations()
    var total = 0
    for organization in organizations {
      var verifier = AuditChain.Verifier(anchor: try await auditAnchor(organization) ?? .empty)
      while true {
        let page = try await auditRecords(organization, after: verifier.head.sequence, since: nil, limit: pageSize)
        for record in page { try verifier.check(record) }
        if page.count < pageSize { break }
      }
      total += verifier.checked
    }
    return (organizations.count, total)
  }
}
