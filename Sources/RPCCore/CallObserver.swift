/// What one finished RPC call was, handed to every `CallObserver` exactly once when the call
/// ends (its response completed, it failed or was refused, the client cancelled it, or its
/// deadline passed): the one record that metrics and the access log read.
public struct CallRecord: Sendable {
  /// The fully-qualified service, e.g. `cloudidl.clusterpool.ClusterPoolService`; the path's
  /// first segment when the method is unknown.
  public var service: String
  /// The method name, e.g. `Get`.
  public var method: String
  /// `grpc`, `grpc-web`, `connect` (unary and streaming alike).
  public var wireProtocol: String
  /// `2` or `1.1`.
  public var httpVersion: String
  /// The status code the client was sent (0 = OK), as gRPC numbers it.
  public var code: Int
  /// The status message sent with a failure, if any (never a credential).
  public var message: String?
  /// From the request head's arrival to the call's end, in nanoseconds: what observers read
  /// on the hot path (a `Duration`'s components cost a 128-bit division).
  public var nanoseconds: Int64
  /// From the request head's arrival to the call's end.
  public var duration: Duration {
    get { .nanoseconds(nanoseconds) }
    set {
      let (seconds, attoseconds) = newValue.components
      nanoseconds = seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
  }
  /// The remote address, e.g. `127.0.0.1:53412`.
  public var peer: String
  /// `x-request-id` as sent, or the one the server generated and echoed back.
  public var requestID: String
  /// The trace id of a W3C `traceparent` request header, when one was sent and is valid.
  public var traceID: String?
  /// The caller's organization, once authentication established it.
  public var organization: String?
  /// The caller's subject (user or application), once authentication established it.
  public var subject: String?
  /// Request message bytes received (after the 5-byte frames' headers, before decompression).
  public var requestBytes: Int
  /// Response message bytes sent.
  public var responseBytes: Int

  public init(
    service: String, method: String, wireProtocol: String, httpVersion: String, code: Int,
    message: String?, duration: Duration, peer: String, requestID: String, traceID: String?,
    organization: String?, subject: String?, requestBytes: Int, responseBytes: Int
  ) {
    let (seconds, attoseconds) = duration.components
    self.init(
      service: service, method: method, wireProtocol: wireProtocol, httpVersion: httpVersion, code: code,
      message: message, nanoseconds: seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000, peer: peer,
      requestID: requestID, traceID: traceID, organization: organization, subject: subject,
      requestBytes: requestBytes, responseBytes: responseBytes)
  }

  public init(
    service: String, method: String, wireProtocol: String, httpVersion: String, code: Int,
    message: String?, nanoseconds: Int64, peer: String, requestID: String, traceID: String?,
    organization: String?, subject: String?, requestBytes: Int, responseBytes: Int
  ) {
    self.service = service
    self.method = method
    self.wireProtocol = wireProtocol
    self.httpVersion = httpVersion
    self.code = code
    self.message = message
    self.nanoseconds = nanoseconds
    self.peer = peer
    self.requestID = requestID
    self.traceID = traceID
    self.organization = organization
    self.subject = subject
    self.requestBytes = requestBytes
    self.responseBytes = responseBytes
  }
}

/// Told of every finished call, once, on the event loop that ran it: keep `callFinished` short
/// and non-blocking (count, format a line, hand it off). A class: the transports call every
/// observer for every call, and a class reference is what an existential copies cheapest.
public protocol CallObserver: AnyObject, Sendable {
  func callFinished(_ record: CallRecord)
}
