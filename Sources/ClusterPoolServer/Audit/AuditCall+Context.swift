public import ClusterPoolDomain
public import ClusterPoolStore
public import RPCCore

extension AuditCall {
  /// The audit view of the call `context` describes: its method, its verified caller (else
  /// `fallback`: the server's identity with authentication off, nil with it on), its
  /// request id (the transport's, which the response echoes and the access log shows; for a
  /// context no transport made, its usable `x-request-id` or a new one, by the same rules,
  /// ``RequestID``) and its peer.
  public init(_ context: ServerContext, fallback: Identity?) {
    let identity: Identity? =
      context.caller.map { $0.kind == .app ? .application(subject: $0.subject) : .user(subject: $0.subject) } ?? fallback
    let requestID =
      context.requestID ?? RequestID.accepted(context.requestMetadata.first(RequestID.fieldName))
      ?? { var ids = RequestIDGenerator(); return ids.make() }()
    self.init(method: context.method.path, identity: identity, requestID: requestID, peer: context.peer)
  }
}
