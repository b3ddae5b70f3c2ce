internal import NIOCore
public import RPCCore

/// The three call shapes. Every failure is thrown as `RPCError`.
extension RPCClient {
  /// Calls a unary method.
  public func unary<Req, Resp>(
    _ method: MethodDescriptor, request: Req, serializer: some MessageSerializer<Req>,
    deserializer: some MessageDeserializer<Resp>, options: CallOptions = .init()
  ) async throws -> Resp {
    let bytes = try encode(request, serializer)
    var attempt = 0
    while true {
      attempt += 1
      do {
        return try await withCall(method, options, request: bytes, keepRefusedMarker: true) {
          call, responses in
          var iterator = responses.makeAsyncIterator()
          guard let first = try await iterator.next() else {
            throw RPCError(code: .internalError, message: "no response message")
          }
          guard try await iterator.next() == nil else {
            throw RPCError(code: .internalError, message: "more than one response message")
          }
          return try decode(first, deserializer)
        }
      } catch let error as RPCError where error.isRefusedStream {
        // Never processed by the server (GOAWAY race): one more try, on a new connection.
        if attempt >= 2 { throw error.withoutTransportMarker }
      }
    }
  }

  /// Calls a method that streams responses to one request; `handler` reads them.
  public func serverStreaming<Req, Resp: Sendable, R>(
    _ method: MethodDescriptor, request: Req, serializer: some MessageSerializer<Req>,
    deserializer: some MessageDeserializer<Resp>, options: CallOptions = .init(),
    handler: (RPCAsyncSequence<Resp>) async throws -> R
  ) async throws -> R {
    let bytes = try encode(request, serializer)
    return try await withCall(method, options, request: bytes, resetAfter: true) {
      call, responses in
      try await handler(responses.map { try self.decode($0, deserializer) })
    }
  }

  /// Calls a method streaming both ways: `requests` writes (the request stream ends when
  /// it returns) while `handler` reads the responses.
  public func bidiStreaming<Req: Sendable, Resp: Sendable, R>(
    _ method: MethodDescriptor, serializer: some MessageSerializer<Req>,
    deserializer: some MessageDeserializer<Resp>, options: CallOptions = .init(),
    requests: @escaping @Sendable (RPCWriter<Req>) async throws -> Void,
    handler: (RPCAsyncSequence<Resp>) async throws -> R
  ) async throws -> R {
    try await withCall(method, options, resetAfter: true) { call, responses in
      try await withThrowingTaskGroup(of: Void.self, returning: R.self) { group in
        group.addTask {
          try await requests(RPCWriter { try await call.write(self.encode($0, serializer)) })
          call.end()
        }
        let result = try await handler(responses.map { try self.decode($0, deserializer) })
        call.cancel(RPCError(code: .cancelled, message: "the response handler returned"))
        group.cancelAll()
        while let outcome = await group.nextResult() {
          if case .failure(let error) = outcome, !(error is CancellationError),
            (error as? RPCError)?.code != .cancelled
          {
            throw error
          }
        }
        return result
      }
    }
  }

  // MARK: plumbing

  /// Opens a call (sending `request` and ending the request stream with it, when given, in
  /// the same event-loop hop) and runs `body`, mapping failures to `RPCError`. With
  /// `resetAfter`, a stream still open when `body` returns is reset (the handler stopped
  /// reading early), so the server stops sending.
  private func withCall<R>(
    _ method: MethodDescriptor, _ options: CallOptions, request: ByteBuffer? = nil,
    resetAfter: Bool = false, keepRefusedMarker: Bool = false,
    _ body: (ClientCallHandle, RPCAsyncSequence<ByteBuffer>) async throws -> R
  ) async throws -> R {
    try Task.checkCancellation()
    let framer = GRPCMessageFramer(
      compression: options.compressRequests ? .gzip : nil, minimumCompressedSize: 0)
    let headers = requestHeaders(method, options)
    var framed: ByteBuffer?
    if let request {
      var buffer = ByteBufferAllocator().buffer(capacity: request.readableBytes + 5)
      try framer.frame(request, into: &buffer)
      framed = buffer
    }
    let initial = framed
    let (responses, continuation) = AsyncThrowingStream<GRPCEnvelope, any Error>.makeStream()
    let window = InboundWindow(highWater: 1 << 20)
    var call: ClientCallHandle?
    var failure: RPCError?  // why the last connection was unusable, when it failed
    for _ in 0..<3 where call == nil {
      let connection = try await connection()
      (call, failure) = try await connection.channel.eventLoop.submit {
        let handler = connection.handler.value
        let opened = handler.open(
          headers: headers, request: initial, timeout: options.timeout, framer: framer,
          responses: continuation, window: window, onResponseMetadata: options.onResponseMetadata)
        return (opened, opened == nil ? handler.failure : nil)
      }.get()
    }
    guard let call else {
      throw failure ?? RPCError(code: .unavailable, message: "no usable connection to \(target)")
    }
    return try await withTaskCancellationHandler {
      do {
        let sequence = RPCAsyncSequence(responses) { envelope in
          if window.taken(envelope.payload.readableBytes) { call.releaseWindow() }
        }.map { try $0.message() }
        let result = try await body(call, sequence)
        try Task.checkCancellation()  // a cancelled response stream just ends: not a success
        if resetAfter {
          call.cancel(RPCError(code: .cancelled, message: "the response handler returned"))
        }
        return result
      } catch {
        let status =
          Task.isCancelled
          ? RPCError(code: .cancelled, message: "call cancelled") : Self.status(for: error)
        call.cancel(status)
        throw keepRefusedMarker ? status : status.withoutTransportMarker
      }
    } onCancel: {
      call.cancel(RPCError(code: .cancelled, message: "call cancelled"))
    }
  }

  private func requestHeaders(
    _ method: MethodDescriptor, _ options: CallOptions
  ) -> NGHTTP2Session.HeaderBlock {
    var fields = [
      (":method", "POST"), (":scheme", scheme), (":path", method.path),
      (":authority", target), ("content-type", "application/grpc"), ("te", "trailers"),
      ("grpc-accept-encoding", CompressionAlgorithm.advertised),
    ]
    if options.compressRequests { fields.append(("grpc-encoding", "gzip")) }
    if let timeout = options.timeout { fields.append(("grpc-timeout", GRPCTimeout.format(timeout))) }
    for field in options.metadata where !field.name.hasPrefix(":") {
      fields.append((field.name, field.value))
    }
    return NGHTTP2Session.HeaderBlock(fields)
  }

  private static func status(for error: any Error) -> RPCError {
    switch error {
    case let error as RPCError: error
    case is CancellationError: RPCError(code: .cancelled, message: "call cancelled")
    default: RPCError(code: .unknown, message: "\(error)")
    }
  }

  fileprivate func encode<M>(_ message: M, _ serializer: some MessageSerializer<M>) throws -> ByteBuffer {
    do {
      return try serializer.encode(message)
    } catch {
      throw RPCError(code: .internalError, message: "could not encode the request: \(error)")
    }
  }

  fileprivate func decode<M>(_ bytes: ByteBuffer, _ deserializer: some MessageDeserializer<M>) throws -> M {
    do {
      return try deserializer.deserialize(bytes)
    } catch {
      throw RPCError(code: .internalError, message: "could not decode the response: \(error)")
    }
  }
}
