public import NIOCore
public import RPCCore
internal import Synchronization

/// A plain HTTP request on the client's connection (an HTTP/2 stream beside its calls, same
/// TLS and trust): what a client needs of an OAuth2 token endpoint on the same port.
public struct HTTPExchangeRequest: Sendable {
  /// `GET`, `POST`, ...
  public var method: String
  /// The path and query, e.g. `/oauth2/token`.
  public var path: String
  /// Request header fields (lower-case names; no pseudo-headers).
  public var fields: Metadata
  /// The body, sent whole with the head.
  public var body: [UInt8]

  public init(method: String, path: String, fields: Metadata = [:], body: [UInt8] = []) {
    self.method = method
    self.path = path
    self.fields = fields
    self.body = body
  }
}

/// The answer to an ``HTTPExchangeRequest``.
public struct HTTPExchangeResponse: Sendable {
  /// The HTTP status, e.g. 200.
  public var status: Int
  /// The response header fields (lower-case names).
  public var fields: Metadata
  /// The whole body.
  public var body: [UInt8]

  public init(status: Int, fields: Metadata, body: [UInt8]) {
    self.status = status
    self.fields = fields
    self.body = body
  }
}

/// The head of a plain response, written on the connection's loop and read by the caller
/// once the stream has ended.
final class PlainResponseHead: Sendable {
  private let head = Mutex<(status: Int, fields: Metadata)>((0, [:]))

  func set(status: Int, fields: Metadata) { head.withLock { $0 = (status, fields) } }

  var value: (status: Int, fields: Metadata) { head.withLock { $0 } }
}

extension RPCClient {
  /// Sends `request` on this client's connection and returns the whole response (at most
  /// `maxMessageSize` bytes of body). Failures (no connection, reset, deadline) are thrown as
  /// `RPCError`; any HTTP status is an answer.
  public func exchange(_ request: HTTPExchangeRequest, timeout: Duration? = nil) async throws -> HTTPExchangeResponse {
    var fields: [(String, String)] = [
      (":method", request.method), (":scheme", scheme), (":path", request.path), (":authority", target),
    ]
    if !request.body.isEmpty { fields.append(("content-length", String(request.body.count))) }
    for field in request.fields where !field.name.hasPrefix(":") { fields.append((field.name, field.value)) }
    let headers = NGHTTP2Session.HeaderBlock(fields)
    // Always given, even empty: the stream's request side ends with it (a GET has no body).
    let initial = ByteBuffer(bytes: request.body)
    let head = PlainResponseHead()
    let (responses, continuation) = AsyncThrowingStream<GRPCEnvelope, any Error>.makeStream()
    let window = InboundWindow(highWater: 1 << 20)
    let framer = GRPCMessageFramer(compression: nil, minimumCompressedSize: 0)
    var call: ClientCallHandle?
    var failure: RPCError?
    for _ in 0..<3 where call == nil {
      let connection = try await connection()
      (call, failure) = try await connection.channel.eventLoop.submit {
        let handler = connection.handler.value
        let opened = handler.open(
          headers: headers, request: initial, timeout: timeout, framer: framer, responses: continuation,
          window: window, plain: head)
        return (opened, opened == nil ? handler.failure : nil)
      }.get()
    }
    guard let call else {
      throw failure ?? RPCError(code: .unavailable, message: "no usable connection to \(target)")
    }
    return try await withTaskCancellationHandler {
      var bytes: [UInt8] = []
      for try await envelope in responses { bytes += envelope.payload.readableBytesView }
      let (status, fields) = head.value
      return HTTPExchangeResponse(status: status, fields: fields, body: bytes)
    } onCancel: {
      call.cancel(RPCError(code: .cancelled, message: "call cancelled"))
    }
  }
}
