public import ClusterPoolDomain
public import ClusterPoolStore
public import RPCCore

extension AuditCall {
  /// The longest `x-request-id` kept (longer ones are cut).
  static let maxRequestID = 128

  /// The audit view of the call `context` describes: its method, its verified caller (else
  /// `fallback`: the server's identity with authentication off, nil with it on), its
  /// request id (the transport's, which the response echoes and the access log shows; else
  /// its `x-request-id`, else a generated one) and its peer.
  public init(_ context: ServerContext, fallback: Identity?) {
    let identity: Identity? =
      context.caller.map { $0.kind == .app ? .application(subject: $0.subject) : .user(subject: $0.subject) } ?? fallback
    let sent = context.requestID ?? context.requestMetadata.first("x-request-id").map { String($0.prefix(Self.maxRequestID)) }
    self.init(
      method: context.method.path, identity: identity, requestID: sent.flatMap { $0.isEmpty ? nil : $0 } ?? Self.generatedRequestID(),
      peer: context.peer)
  }

  /// 32 random hex digits.
  static func generatedRequestID() -> String {
    var generator = SystemRandomNumberGenerator()
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(32)
    for _ in 0..<2 {
      let value = generator.next() as UInt64
      for shift in stride(from: 60, through: 0, by: -4) { out.append(digits[Int((value >> UInt64(shift)) & 0xf)]) }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
