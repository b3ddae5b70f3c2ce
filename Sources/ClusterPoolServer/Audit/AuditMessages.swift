internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

/// Audit records and queries to and from `clusterpool.audit.v1` messages.
enum AuditMessages {
  typealias API = Clusterpool.Audit.V1

  static func record(_ record: AuditRecord) -> API.AuditRecord {
    var message = API.AuditRecord()
    message.sequence = record.sequence
    message.time = .init(seconds: record.time.seconds, nanos: record.time.nanos)
    message.organization = record.organization.name
    switch record.identity {
    case .user(let subject)?: message.identity = .init(kind: .user, subject: subject)
    case .application(let subject)?: message.identity = .init(kind: .app, subject: subject)
    case nil: message.identity = .init(kind: .unspecified, subject: "")
    }
    message.method = record.method
    message.target = .init(kind: record.target.kind, name: record.target.name)
    message.outcome = .init(code: record.outcome.code, message: record.outcome.message)
    message.requestId = record.requestID
    message.peer = record.peer
    message.count = record.count
    message.previousHash = record.previousHash.hex
    message.hash_ = record.hash.hex
    return message
  }

  /// The query of a `ListRequest` in `organization`; `INVALID_ARGUMENT` naming a bad field.
  static func query(_ request: API.ListRequest, in organization: Organization) throws(RPCError) -> AuditQuery {
    var query = AuditQuery(organization: organization)
    query.start = request.startTime.map(timestamp)
    query.end = request.endTime.map(timestamp)
    query.subject = request.subject.isEmpty ? nil : request.subject
    query.method = request.method.isEmpty ? nil : request.method
    if let target = request.target {
      query.targetKind = target.kind.isEmpty ? nil : target.kind
      query.targetName = target.name.isEmpty ? nil : target.name
    }
    switch request.outcome {
    case .any: query.outcome = .any
    case .success: query.outcome = .success
    case .failure: query.outcome = .failure
    case .code: query.outcome = .code(request.outcomeCode)
    case .unrecognized(let value): throw RPCError(code: .invalidArgument, message: "outcome \(value) is not an OutcomeFilter")
    }
    guard request.limit <= 1000 else {
      throw RPCError(code: .invalidArgument, message: "limit \(request.limit) is above 1000: ask for fewer records per page")
    }
    query.limit = request.limit == 0 ? 100 : Int(request.limit)
    if !request.token.isEmpty {
      guard let after = UInt64(request.token) else {
        throw RPCError(code: .invalidArgument, message: "token \"\(request.token.prefix(40))\" is not one a List answer gave")
      }
      query.after = after
    }
    return query
  }

  static func timestamp(_ time: Google.Protobuf.Timestamp) -> Timestamp {
    Timestamp(nanosecondsSinceEpoch: time.seconds &* 1_000_000_000 &+ Int64(time.nanos))
  }
}
