import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import RPCCore
import RPCTestSupport

/// One HTTP/1.1 request as a test sends it.
struct HTTP1Request: Sendable {
  var method: HTTPMethod = .POST
  var path: String
  var contentType: String? = "application/proto"
  var headers: [(String, String)] = []
  /// The body, written as these parts; chunked unless `contentLength`.
  var parts: [ByteBuffer] = []
  var contentLength = true

  init(
    _ path: String, contentType: String? = "application/proto", body: ByteBuffer = ByteBuffer(),
    headers: [(String, String)] = [], method: HTTPMethod = .POST
  ) {
    self.path = path
    self.contentType = contentType
    self.parts = [body]
    self.headers = headers
    self.method = method
  }

  /// A Connect unary call of a UTF-8 message.
  static func connect(_ method: MethodDescriptor, _ text: String, headers: [(String, String)] = []) -> Self {
    HTTP1Request(method.path, body: ByteBuffer(string: text), headers: headers)
  }

  /// An enveloped call (gRPC-Web or Connect streaming) of one UTF-8 message.
  static func enveloped(
    _ method: MethodDescriptor, _ text: String, contentType: String, headers: [(String, String)] = []
  ) -> Self {
    HTTP1Request(method.path, contentType: contentType, body: envelope(text), headers: headers)
  }

  static func envelope(_ text: String, flag: UInt8 = 0) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeInteger(flag)
    buffer.writeInteger(UInt32(text.utf8.count))
    buffer.writeString(text)
    return buffer
  }
}

/// One HTTP/1.1 response as the test received it.
struct HTTP1Reply: Sendable {
  var status: Int
  var headers: HTTPHeaders
  var body = ByteBuffer()

  var text: String { String(buffer: body) }

  /// The body read as 5-byte envelopes: flag and payload text.
  var frames: [(flag: UInt8, text: String)] {
    var body = self.body
    var frames: [(UInt8, String)] = []
    while let flag = body.readInteger(as: UInt8.self), let length = body.readInteger(as: UInt32.self),
      let payload = body.readString(length: Int(length))
    {
      frames.append((flag, payload))
    }
    return frames
  }
}

/// A raw HTTP/1.1 connection (NIOHTTP1's client codec, optionally behind TLS).
struct HTTP1TestClient {
  typealias Channel = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

  /// Opens a connection and runs `body` with it, closing it afterwards.
  static func with<T: Sendable>(
    port: Int, tls: NIOSSLContext? = nil,
    _ body: (inout Connection) async throws -> T
  ) async throws -> T {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connect(host: "127.0.0.1", port: port) { channel in
        channel.eventLoop.makeCompletedFuture {
          if let tls {
            try channel.pipeline.syncOperations.addHandler(
              NIOSSLClientHandler(context: tls, serverHostname: "localhost"))
          }
          try channel.pipeline.syncOperations.addHTTPClientHandlers()
          return try Channel(wrappingChannelSynchronously: channel)
        }
      }
    return try await channel.executeThenClose { inbound, outbound in
      var connection = Connection(inbound: inbound.makeAsyncIterator(), outbound: outbound)
      return try await body(&connection)
    }
  }

  /// Sends `requests` pipelined on one connection and reads their replies.
  static func exchange(port: Int, tls: NIOSSLContext? = nil, _ requests: [HTTP1Request]) async throws
    -> [HTTP1Reply]
  {
    try await with(port: port, tls: tls) { connection in
      for request in requests { try await connection.send(request) }
      var replies: [HTTP1Reply] = []
      for _ in requests {
        guard let reply = try await connection.reply() else { break }
        replies.append(reply)
      }
      return replies
    }
  }

  /// One call on a fresh connection.
  static func call(port: Int, tls: NIOSSLContext? = nil, _ request: HTTP1Request) async throws -> HTTP1Reply {
    let replies = try await exchange(port: port, tls: tls, [request])
    guard let reply = replies.first else { throw ClosedEarly() }
    return reply
  }

  struct ClosedEarly: Error {}

  struct Connection {
    var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>

    func send(_ request: HTTP1Request) async throws {
      var headers = HTTPHeaders([("host", "localhost")])
      if let contentType = request.contentType { headers.add(name: "content-type", value: contentType) }
      for (name, value) in request.headers { headers.add(name: name, value: value) }
      let length = request.parts.reduce(0) { $0 + $1.readableBytes }
      if request.contentLength {
        headers.add(name: "content-length", value: String(length))
      } else {
        headers.add(name: "transfer-encoding", value: "chunked")
      }
      try await outbound.write(
        .head(HTTPRequestHead(version: .http1_1, method: request.method, uri: request.path, headers: headers)))
      for part in request.parts where part.readableBytes > 0 {
        try await outbound.write(.body(.byteBuffer(part)))
      }
      try await outbound.write(.end(nil))
    }

    /// The next whole reply, `nil` when the server closed the connection first.
    mutating func reply() async throws -> HTTP1Reply? {
      var reply: HTTP1Reply?
      while let part = try await inbound.next() {
        switch part {
        case .head(let head):
          reply = HTTP1Reply(status: Int(head.status.code), headers: head.headers)
        case .body(var bytes):
          reply?.body.writeBuffer(&bytes)
        case .end:
          return reply
        }
      }
      return nil
    }

    /// The head of the next reply (for streams that stay open).
    mutating func head() async throws -> HTTP1Reply? {
      while let part = try await inbound.next() {
        if case .head(let head) = part { return HTTP1Reply(status: Int(head.status.code), headers: head.headers) }
      }
      return nil
    }

    /// The next body bytes of the reply being read (`nil` at its end or the connection's).
    mutating func nextBody() async throws -> ByteBuffer? {
      while let part = try await inbound.next() {
        switch part {
        case .head: continue
        case .body(let bytes): return bytes
        case .end: return nil
        }
      }
      return nil
    }

    /// Whether the server closes the connection (reads until it does, or a part arrives).
    mutating func isClosedByServer() async -> Bool {
      do {
        guard try await inbound.next() != nil else { return true }
        return false
      } catch {
        return true
      }
    }
  }
}
