package import NIOCore

/// The response side of a call: its head, a whole unary answer, and its end.
extension WireCall {
  /// The head of a successful response, sent before the first message of a stream, with
  /// `extra` fields (a call policy's) after the protocol's.
  package func responseHead(adding extra: [(String, String)] = []) -> WireResponseHead {
    Self.successHead(wireProtocol, gzip: wireProtocol.isEnveloped && responseEncoding == .gzip).adding(extra)
  }

  /// The key of this call's success head (``responseHead(adding:)`` without extra fields).
  package var responseHeadKey: WireResponseHead.Key {
    WireResponseHead.Key(wireProtocol: wireProtocol, gzip: wireProtocol.isEnveloped && responseEncoding == .gzip)
  }

  /// Every success head, made once: by protocol and whether it says gzip (for Connect
  /// unary: whether the body is compressed).
  private static let successHeads: [WireResponseHead.Key: WireResponseHead] = {
    var table: [WireResponseHead.Key: WireResponseHead] = [:]
    for wire in [WireProtocol.grpc, .grpcWeb, .connectUnary, .connectStreaming] {
      for gzip in [false, true] {
        let key = WireResponseHead.Key(wireProtocol: wire, gzip: gzip)
        var head = makeSuccessHead(wire, gzip: gzip)
        head.key = key
        table[key] = head
      }
    }
    return table
  }()

  private static func successHead(_ wireProtocol: WireProtocol, gzip: Bool) -> WireResponseHead {
    successHeads[WireResponseHead.Key(wireProtocol: wireProtocol, gzip: gzip)]!
  }

  private static func makeSuccessHead(_ wireProtocol: WireProtocol, gzip: Bool) -> WireResponseHead {
    switch wireProtocol {
    case .grpc:
      return WireResponseHead(
        status: 200,
        fields: [("content-type", GRPCWire.contentType)] + (gzip ? [("grpc-encoding", "gzip")] : [])
          + [("grpc-accept-encoding", CompressionAlgorithm.advertised)])
    case .grpcWeb:
      return WireResponseHead(
        status: 200,
        fields: [("content-type", GRPCWebWire.contentType)] + (gzip ? [("grpc-encoding", "gzip")] : [])
          + [("grpc-accept-encoding", CompressionAlgorithm.advertised)])
    case .connectStreaming:
      return WireResponseHead(
        status: 200,
        fields: [("content-type", ConnectWire.streamingContentType)]
          + (gzip ? [("connect-content-encoding", "gzip")] : [])
          + [("connect-accept-encoding", CompressionAlgorithm.advertised)])
    case .connectUnary:
      return WireResponseHead(
        status: 200,
        fields: [("content-type", ConnectWire.unaryContentType)]
          + (gzip ? [("content-encoding", "gzip")] : [])
          + [("accept-encoding", CompressionAlgorithm.advertised)])
    }
  }

  /// The whole answer of a successful unary call, `framed` being the response message as
  /// `framer` wrote it. Connect unary's body is compressed here, when the client accepts
  /// it and it is worth it (`Content-Encoding: gzip` then says so).
  package func unaryResponse(_ framed: ByteBuffer, adding extra: [(String, String)] = []) -> WireResponse {
    let head = responseHead(adding: extra)
    switch wireProtocol {
    case .grpc:
      return WireResponse(head: head, body: framed, trailers: GRPCWire.statusFields(nil))
    case .grpcWeb:
      var body = framed
      GRPCWebWire.appendTrailers(nil, to: &body)
      return WireResponse(head: head, body: body)
    case .connectStreaming:
      var body = framed
      ConnectWire.appendEndStream(nil, to: &body)
      return WireResponse(head: head, body: body)
    case .connectUnary:
      guard responseEncoding == .gzip, framed.readableBytes >= framer.minimumCompressedSize
      else { return WireResponse(head: head, body: framed) }
      var compressed = ByteBufferAllocator().buffer(capacity: framed.readableBytes / 2 + 64)
      guard (try? Zlib.compress(framed, into: &compressed)) != nil,
        compressed.readableBytes < framed.readableBytes
      else { return WireResponse(head: head, body: framed) }
      return WireResponse(head: Self.successHead(.connectUnary, gzip: true).adding(extra), body: compressed)
    }
  }

  /// The end of a call with `status` (`nil`: OK). `responseStarted`: whether
  /// `responseHead()` went out already (then no head is returned).
  ///
  /// gRPC: trailers (or a trailers-only head). gRPC-Web: the trailers envelope in the body.
  /// Connect streaming: the end-of-stream envelope. Connect unary: the HTTP status of the
  /// code with the JSON error body (an OK end without a message is an empty message).
  /// `extra` fields (a call policy's) go into the head, when the end starts the response.
  package func end(_ status: RPCError?, responseStarted: Bool, adding extra: [(String, String)] = []) -> WireResponse {
    var response = protocolEnd(status, responseStarted: responseStarted)
    if !extra.isEmpty, let head = response.head { response.head = head.adding(extra) }
    return response
  }

  private func protocolEnd(_ status: RPCError?, responseStarted: Bool) -> WireResponse {
    switch wireProtocol {
    case .grpc:
      if responseStarted { return WireResponse(trailers: GRPCWire.statusFields(status)) }
      var head = WireResponseHead(
        status: 200,
        fields: [("content-type", GRPCWire.contentType),
          ("grpc-accept-encoding", CompressionAlgorithm.advertised)])
      head.fields += GRPCWire.statusFields(status)
      return WireResponse(head: head)
    case .grpcWeb:
      var body = ByteBufferAllocator().buffer(capacity: 64)
      GRPCWebWire.appendTrailers(status, to: &body)
      return WireResponse(head: responseStarted ? nil : responseHead(), body: body)
    case .connectStreaming:
      var body = ByteBufferAllocator().buffer(capacity: 64)
      ConnectWire.appendEndStream(status, to: &body)
      return WireResponse(head: responseStarted ? nil : responseHead(), body: body)
    case .connectUnary:
      guard let status else {
        return WireResponse(head: responseStarted ? nil : responseHead(), body: ByteBuffer())
      }
      var fields = [("content-type", ConnectWire.errorContentType)]
      for field in status.metadata where !field.name.hasPrefix(":") {
        fields.append((field.name, field.value))
      }
      return WireResponse(
        head: responseStarted ? nil : WireResponseHead(status: status.code.httpStatus, fields: fields),
        body: ConnectWire.errorBody(status))
    }
  }
}
