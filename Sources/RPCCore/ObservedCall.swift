internal import NIOCore

/// What a transport keeps of one call while it runs, to hand its ``CallRecord`` to the
/// server's observers once when it ends (``CallObservers/finished(_:status:)``): made when
/// the request head arrives, for every RPC request, routed or refused.
package struct ObservedCall: Sendable {
  /// When the request head arrived, on the monotonic clock. A `NIODeadline` (one integer),
  /// not a `ContinuousClock.Instant`: the standard library's instant is resilient, so every
  /// copy of a call holding one went through its type's value witnesses.
  let start: NIODeadline
  /// The record, filled in as the call goes and completed when it ends (``end(code:message:end:)``):
  /// observers borrow it where the transport keeps it, with no copy of its strings.
  package private(set) var record: CallRecord
  /// The caller authentication established (set by the transport once the call is admitted).
  package var caller: CallCaller?
  /// Where the authenticator notes the caller, refused or not.
  package var identified: IdentifiedCaller?

  package var service: String {
    get { record.service }
    set { record.service = newValue }
  }
  package var method: String {
    get { record.method }
    set { record.method = newValue }
  }
  /// `grpc`, `grpc-web`, `connect`; `http` for a request no RPC protocol could be read from.
  package var wireProtocol: String {
    get { record.wireProtocol }
    set { record.wireProtocol = newValue }
  }
  package var httpVersion: String { record.httpVersion }
  package var peer: String { record.peer }
  /// The client's usable `x-request-id`, else a generated one: echoed in the response head.
  /// Stored apart from the record too: the transports read it for every response head, and
  /// a computed property's getter, not inlined across modules, took the whole call, copied
  /// out of its stream, as its argument.
  package let requestID: String
  package var traceID: String? { record.traceID }
  /// Counted here while the call runs (stored, so that a transport's `+=` through its stream
  /// changes them in place) and put in the record when it ends.
  package var requestBytes = 0
  package var responseBytes = 0

  /// Reads the request id and the trace id from the request's `fields`; the service and
  /// method are the routed method's `descriptor`, else read from `path` (an unknown path's
  /// first segment as the service).
  package init(
    descriptor: MethodDescriptor?, path: String, contentType: String?, fields: Metadata, httpVersion: String, peer: String,
    requestIDs: inout RequestIDGenerator
  ) {
    self.start = .now()
    var sentID: String?, traceparent: String?
    // lengths first: comparing unequal names is an out-of-line call, two per field
    for field in fields {
      switch field.name.utf8.count {
      case 12: if sentID == nil, field.name == RequestID.fieldName { sentID = field.value }
      case 11: if traceparent == nil, field.name == "traceparent" { traceparent = field.value }
      default: continue
      }
    }
    let service: String, method: String
    if let descriptor = descriptor ?? MethodDescriptor(path: path) {
      service = descriptor.service
      method = descriptor.method
    } else {
      let trimmed = path.drop { $0 == "/" }
      service = String(trimmed.prefix { $0 != "/" })
      method = ""
    }
    let wireProtocol: String
    if case .served(let wire) = WireProtocol.match(contentType: contentType) {
      wireProtocol = wire.recordName
    } else {
      wireProtocol = "http"
    }
    requestID = RequestID.accepted(sentID) ?? requestIDs.make()
    record = CallRecord(
      service: service, method: method, wireProtocol: wireProtocol, httpVersion: httpVersion, code: 0,
      message: nil, nanoseconds: 0, peer: peer, requestID: requestID,
      traceID: RequestID.traceID(ofTraceparent: traceparent), organization: nil, subject: nil,
      requestBytes: 0, responseBytes: 0)
  }

  /// Completes the record in place: the call ended now with `code` and `message`, by the
  /// caller authentication established or the authenticator identified.
  package mutating func end(code: Int, message: String?) {
    let caller = caller ?? identified?.value
    record.code = code
    record.message = message
    let (now, then) = (NIODeadline.now().uptimeNanoseconds, start.uptimeNanoseconds)
    record.nanoseconds = Int64(clamping: now > then ? now - then : 0)
    record.organization = caller?.organization
    record.subject = caller?.subject
    record.requestBytes = requestBytes
    record.responseBytes = responseBytes
  }

  /// The call's record, ending now with `code` and `message` (a copy; the call is kept).
  package func record(code: Int, message: String?) -> CallRecord {
    var call = self
    call.end(code: code, message: message)
    return call.record
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

  /// Ends `call` with `status` (`nil`: OK) and hands every observer its record, borrowed
  /// where the transport keeps the call (the hot path: no copy of the record's strings).
  package func finished(_ call: inout ObservedCall, status: RPCError?) {
    guard !observers.isEmpty else { return }
    call.end(code: status?.code.rawValue ?? 0, message: status?.message)
    // each observer borrowed where the array keeps it: a `for` loop copied each existential
    observers.withUnsafeBufferPointer { observers in
      for index in observers.indices { observers[index].callFinished(call.record) }
    }
  }

  /// Hands every observer the record of `call`, ended with `status` (`nil`: OK).
  package func finished(_ call: borrowing ObservedCall, status: RPCError?) {
    guard !observers.isEmpty else { return }
    let record = call.record(code: status?.code.rawValue ?? 0, message: status?.message)
    for observer in observers { observer.callFinished(record) }
  }

  /// Hands every observer the record of `call`, refused with a bare HTTP status (405, 415,
  /// 505...): its code is the one a client infers from that status.
  package func finished(_ call: borrowing ObservedCall, httpStatus: Int, message: String? = nil) {
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
