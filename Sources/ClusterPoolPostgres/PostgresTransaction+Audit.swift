public import ClusterPoolDomain
public import ClusterPoolStore

/// A ``PostgresTransaction``'s audit records: the chain's head read under the organization's
/// lock (once per organization per transaction: the core keeps the head of what it appended),
/// records buffered like rows and sent with them by the commit statement.
extension PostgresTransaction {
  public func auditHead(_ organization: Organization) async throws -> AuditChainHead {
    try await database("read the audit chain head of \(organization)") {
      try await PostgresAuditRows.head(connection, organization, logger: logger)
    }
  }

  public func append(_ record: AuditRecord) async throws {
    recordUndo(.audit)
    written.audit.append(record)
  }
}

extension PostgresBackend: AuditLogStorage {
  public func auditRecords(_ organization: Organization, after: UInt64, since: Timestamp?, limit: Int) async throws -> [AuditRecord] {
    let logger = self.logger
    return try await client.withConnection("read the audit log of \(organization)") { connection in
      try await PostgresAuditRows.records(connection, organization, after: after, since: since, limit: limit, logger: logger)
    }
  }

  public func auditHead(_ organization: Organization) async throws -> AuditChainHead {
    let logger = self.logger
    return try await client.withConnection("read the audit chain head of \(organization)") { connection in
      try await PostgresAuditRows.head(connection, organization, logger: logger)
    }
  }

  public func auditOrganizations() async throws -> [Organization] {
    let logger = self.logger
    return try await client.withConnection("read the audit log's organizations") { connection in
      try await PostgresAuditRows.organizations(connection, logger: logger)
    }
  }

  public func auditAnchor(_ organization: Organization) async throws -> AuditChainHead? {
    let logger = self.logger
    return try await client.withConnection("read the audit anchor of \(organization)") { connection in
      try await PostgresAuditRows.anchor(connection, organization, logger: logger)
    }
  }

  public func pruneAudit(before cutoff: Timestamp) async throws -> Int {
    let logger = self.logger
    return try await client.withConnection("prune the audit log") { connection in
      try await PostgresAuditRows.prune(connection, before: cutoff, logger: logger)
    }
  }
}
