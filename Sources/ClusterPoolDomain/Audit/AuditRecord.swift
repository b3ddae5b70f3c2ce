/// One record of the audit log: a change made, a write rejected or a request denied (or,
/// under a flood, many of those aggregated into one, ``count``). Records of an organization
/// form a hash chain: each holds the hash of the one before (``previousHash``), and its own
/// ``hash`` covers every field (``canonicalBytes``), so a record edited or removed breaks the
/// chain where it was.
public struct AuditRecord: Sendable, Hashable {
  /// Who made the call: a user or an app; nil for a call without a verified credential.
  public var identity: Identity?
  /// Position in the organization's chain: 1, 2, 3, ... with no gap.
  public var sequence: UInt64
  public var time: Timestamp
  public var organization: Organization
  /// The full method path, e.g. `/cloudidl.clusterpool.ClusterPoolService/CreateClusterPool`.
  public var method: String
  public var target: AuditTarget
  public var outcome: AuditOutcome
  /// The request's `x-request-id`, else one the server generated.
  public var requestID: String
  /// The caller's address (`host:port`).
  public var peer: String
  /// How many calls the record stands for (1; more for a flood aggregated into one record).
  public var count: UInt64
  /// The hash of the record before it in the chain (``AuditHash/zero`` for the first).
  public var previousHash: AuditHash
  /// The hash of this record (``AuditHash/of(_:)`` over ``canonicalBytes``).
  public var hash: AuditHash

  public init(
    sequence: UInt64 = 0, time: Timestamp, organization: Organization, identity: Identity?, method: String,
    target: AuditTarget, outcome: AuditOutcome, requestID: String, peer: String, count: UInt64 = 1,
    previousHash: AuditHash = .zero, hash: AuditHash = .zero
  ) {
    self.sequence = sequence
    self.time = time
    self.organization = organization
    self.identity = identity
    self.method = method
    self.target = target
    self.outcome = outcome
    self.requestID = requestID
    self.peer = peer
    self.count = count
    self.previousHash = previousHash
    self.hash = hash
  }
}

/// What a call acted on: a kind (`pool`, `cluster`, `queue`, `app`, `role`, `policy`, `user`,
/// `assignment`) and a name; both empty when the call named nothing known.
public struct AuditTarget: Sendable, Hashable, CustomStringConvertible {
  public var kind: String
  public var name: String

  public init(kind: String, name: String) {
    self.kind = kind
    self.name = name
  }

  /// No target.
  public static let none = AuditTarget(kind: "", name: "")

  public var description: String { kind.isEmpty ? name : "\(kind) \(name)" }
}

/// How a call ended: its status code (0 OK; the gRPC numbering) and a short message.
public struct AuditOutcome: Sendable, Hashable {
  public var code: Int32
  public var message: String

  public init(code: Int32, message: String) {
    self.code = code
    self.message = message
  }

  public static let ok = AuditOutcome(code: 0, message: "")
  /// Whether the call succeeded.
  public var succeeded: Bool { code == 0 }
}

/// Where an organization's chain ends: the last record's sequence number and hash (or, when
/// retention pruned every record, the last pruned one's: the anchor the next record chains to).
public struct AuditChainHead: Sendable, Hashable {
  public var sequence: UInt64
  public var hash: AuditHash

  public init(sequence: UInt64, hash: AuditHash) {
    self.sequence = sequence
    self.hash = hash
  }

  /// The head of a chain with no record yet.
  public static let empty = AuditChainHead(sequence: 0, hash: .zero)
}
