public import ClusterPoolDomain
internal import Crypto

/// The hash chain of audit records: how a record is sealed onto its organization's chain, and
/// how a chain is checked (``Verifier``).
public enum AuditChain {
  /// The SHA-256 of `record`'s ``AuditRecord/canonicalBytes``.
  public static func hash(_ record: AuditRecord) -> AuditHash {
    AuditHash(bytes: Array(SHA256.hash(data: record.canonicalBytes)))
  }

  /// `record` placed after `head`: its sequence number, previous hash and hash set.
  public static func seal(_ record: AuditRecord, after head: AuditChainHead) -> AuditRecord {
    var sealed = record
    sealed.sequence = head.sequence + 1
    sealed.previousHash = head.hash
    sealed.hash = hash(sealed)
    return sealed
  }

  /// Checks one organization's records in order, from its anchor (the last pruned record's
  /// head, or the empty head): each must follow the one before (next sequence number, its
  /// hash as previous hash) and hash to its own hash.
  public struct Verifier: Sendable {
    public private(set) var head: AuditChainHead
    /// Records checked.
    public private(set) var checked = 0

    public init(anchor: AuditChainHead) { head = anchor }

    /// Checks the next record; throws naming what is wrong with it.
    public mutating func check(_ record: AuditRecord) throws(AuditChainBroken) {
      let organization = record.organization
      if record.sequence != head.sequence + 1 {
        throw AuditChainBroken(
          organization: organization, sequence: record.sequence,
          reason: record.sequence > head.sequence + 1
            ? "it follows record \(head.sequence): record(s) \(head.sequence + 1)...\(record.sequence - 1) are missing"
            : "its sequence number repeats or goes back (the record before is \(head.sequence))")
      }
      if record.previousHash != head.hash {
        throw AuditChainBroken(
          organization: organization, sequence: record.sequence,
          reason: "its previous hash \(record.previousHash.hex.prefix(16))... is not the hash of record \(head.sequence) "
            + "(\(head.hash.hex.prefix(16))...): a record before it was edited, removed or replaced")
      }
      let computed = AuditChain.hash(record)
      if computed != record.hash {
        throw AuditChainBroken(
          organization: organization, sequence: record.sequence,
          reason: "its contents do not match its hash (stored \(record.hash.hex.prefix(16))..., computed "
            + "\(computed.hex.prefix(16))...): the record was edited")
      }
      head = AuditChainHead(sequence: record.sequence, hash: record.hash)
      checked += 1
    }
  }
}

/// The first bad record of a chain, and why.
public struct AuditChainBroken: Error, Sendable, CustomStringConvertible {
  public var organization: Organization
  public var sequence: UInt64
  public var reason: String

  public var description: String { "audit record \(sequence) of organization \(organization.name) is bad: \(reason)" }
}
