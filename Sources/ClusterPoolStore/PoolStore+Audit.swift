public import ClusterPoolDomain

extension PoolStore {
  /// Tells `observer` about the audit records of every commit of this store, after it is
  /// durable (other servers' records are read from the backend, ``AuditLogStorage``).
  public func observeAudit(_ observer: @escaping @Sendable ([AuditRecord]) -> Void) {
    core.auditObservers.withLock { $0.append(observer) }
  }

  /// Appends `records` (rejected writes, denied requests, aggregated floods) to their
  /// organizations' chains in a transaction of their own; returns them sealed.
  @discardableResult
  public func appendAudit(_ records: [AuditRecord]) async throws(DomainError) -> [AuditRecord] {
    guard !records.isEmpty else { return [] }
    return try await perform(touching: records.map(\.organization)) { tx in
      let before = tx.audit.records.count
      for record in records { try await tx.append(record) }
      return Array(tx.audit.records[before...])
    }
  }

  /// The backend's audit log, when it keeps one (every backend of this package does).
  public var auditLog: (any AuditLogStorage)? { core.backend as? any AuditLogStorage }
}

extension PoolStore {
  /// One page of the audit records `query` matches, oldest first, and the sequence number to
  /// continue after (nil on the last page). Reads the backend's records of the organization in
  /// chunks and filters them; stops after `scanLimit` records read without filling the page
  /// (the page may then be short, or empty, with a sequence number to continue after).
  public func auditRecords(_ query: AuditQuery, scanLimit: Int = 20_000) async throws -> (records: [AuditRecord], next: UInt64?) {
    guard let log = auditLog else { return ([], nil) }
    let chunk = 500
    var after = query.after
    var found: [AuditRecord] = []
    var scanned = 0
    while true {
      let page = try await log.auditRecords(query.organization, after: after, since: query.start, limit: chunk)
      for record in page {
        after = record.sequence
        scanned += 1
        guard query.matches(record) else { continue }
        found.append(record)
        if found.count == query.limit { return (found, after) }
      }
      if page.count < chunk { return (found, nil) }
      if scanned >= scanLimit { return (found, after) }
    }
  }
}
