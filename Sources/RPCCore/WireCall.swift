/// One RPC as its wire protocol shapes it, independent of the transport (HTTP/2 or
/// HTTP/1.1): made from the request head, it knows the protocol, the negotiated
/// compression, the deadline and the handler's metadata, decodes the request body and
/// shapes every piece of the response (`+Response`).
///
/// How a transport drives it:
/// 1. Collect the head into a `WireRequestHead` and call `init(head:maxMessageSize:)`. A
///    thrown `WireRejection` (not POST: 405; a content type we do not serve: 415 with
///    `Accept-Post`) is the whole answer.
/// 2. Look the method up by `head.path`. Unknown: send `end(RPCError(code: .unimplemented,
///    ...), responseStarted: false)`. Known: if `rejection(for:)` returns one, send it.
/// 3. If `headerError` is set (bad encoding, malformed `Connect-Timeout-Ms`, wrong
///    `Connect-Protocol-Version`), send `end(headerError, responseStarted: false)`.
/// 4. Start the deadline timer from `timeout`; build the `ServerContext` from `metadata`.
/// 5. Feed the body to `makeDecoder()`: `append`, `next()` until `nil`, and `finish()` at the
///    end of the body (Connect unary's message comes from `finish()`). A thrown `RPCError`
///    ends the call through `end(error, responseStarted:)`.
/// 6. Unary answer: frame the response with `framer` (the inline handler writes through it;
///    a task's result goes through `framer.frame(_:into:)`), then send
///    `unaryResponse(framed)`.
/// 7. Streaming answer: send `responseHead()` before the first message, each message framed
///    by `framer`, then `end(status, responseStarted: true)` (`nil` status: OK).
/// 8. Any failure (handler error, deadline, too large): `end(error, responseStarted:)`,
///    whether or not messages went out. Connect unary only ever starts its response with
///    `unaryResponse` or `end`, so its errors always get their HTTP status.
///
/// Success heads never vary for a protocol and compression: their `WireResponseHead.key` lets
/// a transport encode each once and reuse it. A missing `Connect-Protocol-Version` is
/// accepted (the spec lets servers require it; connect-go does not by default).
package struct WireCall: Sendable {
  /// The protocol the request speaks.
  package let wireProtocol: WireProtocol
  /// How request messages (or Connect unary's body) are compressed; `nil`: not at all.
  package let requestEncoding: CompressionAlgorithm?
  /// How response messages (or Connect unary's body) are compressed; `nil`: not at all.
  package let responseEncoding: CompressionAlgorithm?
  /// The call's timeout from `grpc-timeout` or `Connect-Timeout-Ms`, at most `maxTimeout`.
  package let timeout: Duration?
  /// The request fields the handler sees (protocol and connection fields taken out).
  package let metadata: Metadata
  /// A problem with the request's protocol fields, to answer with `end(_:responseStarted:)`
  /// before running anything.
  package let headerError: RPCError?
  /// The largest message either way.
  package let maxMessageSize: Int
  /// Frames response messages: enveloped (compressed per message) or bare (Connect unary).
  package let framer: GRPCMessageFramer

  /// The longest timeout a call keeps; longer ones (`grpc-timeout` allows 99999999 hours)
  /// are cut to it, so every deadline computation stays far from overflowing. 100 days.
  package static let maxTimeout: Duration = .seconds(100 * 86_400)

  /// Whether `name` is a connection field (`te`, `host`, `connection`, `content-length`,
  /// `transfer-encoding`, `keep-alive`, `upgrade`, `proxy-connection`): decided by its length,
  /// then one comparison, as every field of every request is asked (a `Set`'s lookup hashed
  /// each name with SipHash).
  static func isConnectionField(_ name: String) -> Bool {
    switch name.utf8.count {
    case 2: name == "te"
    case 4: name == "host"
    case 7: name == "upgrade"
    case 10: name == "connection" || name == "keep-alive"
    case 14: name == "content-length"
    case 16: name == "proxy-connection"
    case 17: name == "transfer-encoding"
    default: false
    }
  }

  /// Reads the request head. Throws the whole answer for requests that are not RPCs we
  /// serve: 405 for a method other than POST, 415 for a content type we do not serve.
  package init(head: WireRequestHead, maxMessageSize: Int) throws(WireRejection) {
    guard head.method == "POST" else { throw WireRejection(status: 405, fields: [("allow", "POST")]) }
    guard case .served(let wire) = WireProtocol.match(contentType: head.contentType) else {
      throw WireRejection(
        status: 415, fields: [("accept-post", WireProtocol.acceptedContentTypes)],
        explanation: "content-type \(head.contentType ?? "(none)") is not served: messages are "
          + "protobuf only (\(WireProtocol.acceptedContentTypes))")
    }
    let names = wire.fieldNames
    let isConnect = wire == .connectUnary || wire == .connectStreaming
    // lengths first: most fields are none of these, and comparing unequal strings is a call
    func isProtocolField(_ name: String) -> Bool {
      let length = name.utf8.count
      if length == names.encoding.utf8.count, name == names.encoding { return true }
      if length == names.acceptEncoding.utf8.count, name == names.acceptEncoding { return true }
      if length == names.timeout.utf8.count, name == names.timeout { return true }
      if length == 24, name == "connect-protocol-version" { return isConnect }
      return Self.isConnectionField(name)
    }
    var encodingName: String?, acceptEncoding: String?, timeoutText: String?, version: String?
    var taken = 0
    for (name, value) in head.fields where isProtocolField(name) {
      taken += 1
      switch name {
      case names.encoding: encodingName = value
      case names.acceptEncoding: acceptEncoding = acceptEncoding.map { "\($0),\(value)" } ?? value
      case names.timeout: timeoutText = value
      case "connect-protocol-version": version = value
      default: break
      }
    }
    // The handler's metadata: the fields as they came (no copy) unless some were taken out.
    let metadata = taken == 0 ? head.fields : head.fields.filter { !isProtocolField($0.name) }
    var problem: RPCError?
    var requestEncoding: CompressionAlgorithm?
    if let encodingName {
      if let algorithm = CompressionAlgorithm(encodingName: encodingName) {
        requestEncoding = algorithm == .identity ? nil : algorithm
      } else {
        problem = RPCError(
          code: .unimplemented,
          message: "unsupported \(names.encoding) '\(encodingName)' (supported: gzip, identity)")
      }
    }
    var timeout: Duration?
    if let timeoutText {
      if !isConnect {
        timeout = GRPCTimeout.parse(timeoutText)
      } else if let parsed = ConnectWire.parseTimeout(timeoutText) {
        timeout = parsed
      } else {
        problem = problem ?? RPCError(
          code: .invalidArgument, message: "invalid connect-timeout-ms '\(timeoutText)'")
      }
    }
    if let version, version != ConnectWire.protocolVersion {
      problem = problem ?? RPCError(
        code: .invalidArgument,
        message: "connect-protocol-version must be \"1\": got \"\(version)\"")
    }
    // Connect: a client that names no accepted encodings accepts the one it sent.
    let accepted = acceptEncoding ?? (isConnect ? encodingName : nil)
    let gzip = Self.accepts(.gzip, list: accepted)
    self.wireProtocol = wire
    self.requestEncoding = requestEncoding
    self.responseEncoding = gzip ? .gzip : nil
    self.timeout = timeout.map { min($0, Self.maxTimeout) }
    self.metadata = metadata
    self.headerError = problem
    self.maxMessageSize = maxMessageSize
    self.framer = GRPCMessageFramer(
      compression: gzip && wire.isEnveloped ? .gzip : nil, maxMessageSize: maxMessageSize,
      isEnveloped: wire.isEnveloped)
  }

  /// The answer when this protocol cannot call `handler`'s kind of method: Connect unary
  /// serves only methods taking one request and returning one response (415, as connect-go
  /// does for a content type the method does not serve).
  package func rejection(for handler: MethodHandler) -> WireRejection? {
    guard wireProtocol == .connectUnary else { return nil }
    switch handler {
    case .unaryInline, .unaryInlineFirst, .unary: return nil
    case .serverStreaming, .bidiStreaming:
      return WireRejection(
        status: 415, fields: [("accept-post", "application/connect+proto")],
        explanation: "a streaming method takes application/connect+proto, not application/proto")
    }
  }

  /// A decoder for the request body.
  package func makeDecoder() -> WireRequestDecoder {
    if wireProtocol.isEnveloped {
      WireRequestDecoder(
        enveloped: GRPCMessageDeframer(maxMessageSize: maxMessageSize, encoding: requestEncoding))
    } else {
      WireRequestDecoder(bareBodyLimit: maxMessageSize, encoding: requestEncoding)
    }
  }

  /// Whether an `Accept-Encoding`-style list names `algorithm` (`name;q=0` excluded).
  static func accepts(_ algorithm: CompressionAlgorithm, list: String?) -> Bool {
    guard let list else { return algorithm == .identity }
    if let plain = plainListNames(algorithm, list: list) { return plain }
    for item in list.split(separator: ",") {
      let parts = item.split(separator: ";").map { $0.filter { $0 != " " }.lowercased() }
      guard parts.first == algorithm.rawValue else { continue }
      let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) }
      if quality.map({ $0 > 0 }) ?? true { return true }
    }
    return false
  }
}

extension WireProtocol {
  /// The header names a protocol negotiates compression and deadlines with.
  struct FieldNames {
    var encoding: String
    var acceptEncoding: String
    var timeout: String
  }

  var fieldNames: FieldNames {
    switch self {
    case .grpc, .grpcWeb: FieldNames(encoding: "grpc-encoding", acceptEncoding: "grpc-accept-encoding", timeout: "grpc-timeout")
    case .connectUnary: FieldNames(encoding: "content-encoding", acceptEncoding: "accept-encoding", timeout: "connect-timeout-ms")
    case .connectStreaming: FieldNames(encoding: "connect-content-encoding", acceptEncoding: "connect-accept-encoding", timeout: "connect-timeout-ms")
    }
  }
}
