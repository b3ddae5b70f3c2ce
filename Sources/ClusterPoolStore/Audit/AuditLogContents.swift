public import ClusterPoolDomain

/// A whole audit log, for copying it into another store (`clusterpool-server migrate`): every
/// chain's anchor (where retention left it) and every record, each chain's in order.
public struct AuditLogContents: Sendable, Hashable {
  /// The anchor of each chain retention pruned.
  public var anchors: [Organization: AuditChainHead]
  /// Every record, by organization then sequence number.
  public var records: [AuditRecord]

  public init(anchors: [Organization: AuditChainHead] = [:], records: [AuditRecord] = []) {
    self.anchors = anchors
    self.records = records
  }

  /// The first difference between this log (the source) and `target`, in words naming the
  /// chain and the record (`audit record 3 of organization acme: method is ... in the source,
  /// ... in the target`); nil when they are the same.
  public func firstDifference(to target: AuditLogContents) -> String? {
    for organization in Set(anchors.keys).union(target.anchors.keys).sorted(by: { $0.name < $1.name })
    where anchors[organization] != target.anchors[organization] {
      return "the audit anchor of organization \(organization.name) is \(Self.words(anchors[organization])) in the source, "
        + "\(Self.words(target.anchors[organization])) in the target"
    }
    return StoredRows.firstDifference(
      "audit record", records, target.records, key: { "\($0.sequence) of organization \($0.organization.name)" })
  }

  static func words(_ head: AuditChainHead?) -> String {
    head.map { "record \($0.sequence) (\($0.hash.hex.prefix(16))...)" } ?? "none"
  }
}

extension AuditLogStorage {
  /// Every chain's anchor and records, read a page of `pageSize` at a time.
  public func contents(pageSize: Int = 1000) async throws -> AuditLogContents {
    var contents = AuditLogContents()
    for organization in try await auditOrganizations() {
      let anchor = try await auditAnchor(organization)
      if let anchor { contents.anchors[organization] = anchor }
      var after = anchor?.sequence ?? 0
      while true {
        let page = try await auditRecords(organization, after: after, since: nil, limit: pageSize)
        contents.records += page
        guard page.count == pageSize, let last = page.last else { break }
        after = last.sequence
      }
    }
    return contents
  }
}
