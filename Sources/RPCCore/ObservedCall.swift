/// What a transport keeps of one call while it runs, to hand its ``CallRecord`` to the
/// server's observers once when it ends (``CallObservers/finished(_:status:)``): made when
/// the request head arrives, for every RPC request, routed or refused.
package struct ObservedCall: Sendable {
  package let start: ContinuousClock.Instant
  package var service: String
  package var method: String
  /// `grpc`, `grpc-web`, `connect`; `http` for a request no RPC protocol could be read from.
  package var wireProtocol: String
  package let httpVersion: String
  package let peer: String
  /// The client's usable `x-request-id`, else a generated one: echoed in the response head.
  package let requestID: String
  package let traceID: String?
  /// The caller authentication established (set by the transport once the call is admitted).
  package var caller: CallCaller?
  /// Where the authenticator notes the caller, refused or not.
  package var identified: IdentifiedCaller?
  package var requestBytes = 0
  package var responseBytes = 0

  /// Reads the request id and the trace id from the request's `fields`; the service and
  /// method are the routed method's `descriptor`, else read from `path` (an unknown path's
  /// first segment as the service).
  package init(
    descriptor: MethodDescriptor?, path: String, contentType: String?, fields: Metadata, httpVersion: String, peer: String,
    requestIDs: inout RequestIDGenerator, start: ContinuousClock.Instant = .now
  ) {
    self.start = start
    var sentID: String?, traceparent: String?
    for field in fields {
      switch field.name {
      case RequestID.fieldName: if sentID == nil { sentID = field.value }
      case "traceparent": if traceparent == nil { traceparent = field.value }
      default: continue
      }
    }
    self.requestID = RequestID.accepted(sentID) ?? requestIDs.make()
    self.traceID = RequestID.traceID(ofTraceparent: traceparent)
    if let descriptor = descriptor ?? MethodDescriptor(path: path) {
      service = descriptor.service
      method = descriptor.method
    } else {
      let trimmed = path.drop { $0 == "/" }
      service = String(trimmed.prefix { $0 != "/" })
      method = ""
    }
    if case .served(let wire) = WireProtocol.match(contentType: contentType) {
      wireProtocol = wire.recordName
    } else {
      wireProtocol = "http"
    }
    self.httpVersion = httpVersion
    self.peer = peer
  }

  /// The call's record, ending now with `code` and `message`; consumes the call, so its
  /// strings move into the record rather than being copied (retained, then released twice).
  package consuming func record(code: Int, message: String?, end: ContinuousClock.Instant = .now) -> CallRecord {
    let caller = caller ?? identified?.value
    return CallRecord(
      service: service, method: method, wireProtocol: wireProtocol, httpVersion: httpVersion,
      code: code, message: message, duration: end - start, peer: peer, requestID: requestID,
      traceID: traceID, organization: caller?.organization, subject: caller?.subject,
      requestBytes: requestBytes, responseBytes: responseBytes)
  }
}

/// The server's call observers, told of every call once.
package struct CallObservers: Sendable {
  package let observers: [any CallObserver]

  package init(_ observers: [any CallObserver]) {
    self.observers = observers
  }

  /// Whether anything observes calls (else no record is made).
  package var isEmpty: Bool { observers.isEmpty }

  /// Hands every observer the record of `call`, ended with `status` (`nil`: OK).
  package func finished(_ call: consuming ObservedCall, status: RPCError?) {
    guard !observers.isEmpty else { return }
    let record = call.record(code: status?.code.rawValue ?? 0, message: status?.message)
    for observer in observers { observer.callFinished(record) }
  }

  /// Hands every observer the record of `call`, refused with a bare HTTP status (405, 415,
  /// 505...): its code is the one a client infers from that status.
  package func finished(_ call: consuming ObservedCall, httpStatus: Int, message: String? = nil) {
    guard !observers.isEmpty else { return }
    let code = RPCStatusCode(inferringFromHTTPStatus: httpStatus)
    let record = call.record(code: code.rawValue, message: message ?? "HTTP status \(httpStatus)")
    for observer in observers { observer.callFinished(record) }
  }
}

extension WireProtocol {
  /// The protocol's name in a ``CallRecord``: `grpc`, `grpc-web` or `connect`.
  package var recordName: String {
    switch self {
    case .grpc: "grpc"
    case .grpcWeb: "grpc-web"
    case .connectUnary, .connectStreaming: "connect"
    }
  }
}
