internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import NIOSSL

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// A small HTTP/1.1 client for the few plain HTTP requests the server makes itself (an OpenID
/// Connect provider's discovery document and keys, token requests passed on to it): one
/// connection per request (`Connection: close`), `http://` or `https://` (the system's trust
/// roots, or the PEM file `caFile`), the whole reply body read, at most `maxBodySize` bytes,
/// within `timeout`. No redirects are followed (a 3xx is returned as it is).
public struct HTTPFetcher: Sendable {
  /// A reply: status, header fields (names lower-case) and the whole body.
  public struct Response: Sendable {
    public var status: Int
    public var fields: [(String, String)]
    public var body: [UInt8]

    /// The first field called `name` (lower-case).
    public func first(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }
  }

  /// Trust roots for `https://` URLs: a PEM file, else the system's.
  public let caFile: String?
  /// The longest a request may take, connecting included.
  public let timeout: Duration
  /// The largest reply body accepted.
  public let maxBodySize: Int
  private let sslContext: NIOSSLContext

  /// A client trusting `caFile` (PEM certificates) or, when `nil`, the system's roots; throws
  /// when the file cannot be read.
  public init(caFile: String? = nil, timeout: Duration = .seconds(10), maxBodySize: Int = 1 << 20) throws(HTTPFetchError) {
    self.caFile = caFile
    self.timeout = timeout
    self.maxBodySize = maxBodySize
    var configuration = TLSConfiguration.makeClientConfiguration()
    if let caFile {
      guard let certificates = try? NIOSSLCertificate.fromPEMFile(caFile), !certificates.isEmpty else {
        throw HTTPFetchError("cannot read the CA file \(caFile): no PEM certificate in it (or unreadable)")
      }
      configuration.trustRoots = .certificates(certificates)
    }
    configuration.applicationProtocols = ["http/1.1"]
    do {
      sslContext = try NIOSSLContext(configuration: configuration)
    } catch {
      throw HTTPFetchError("cannot set up TLS: \(error)")
    }
  }

  /// Sends one request to `url` (`http://` or `https://`) and reads the whole reply.
  public func fetch(
    _ url: String, method: String = "GET", fields: [(String, String)] = [], body: [UInt8]? = nil
  ) async throws(HTTPFetchError) -> Response {
    let target = try FetchURL(url)
    let maxBodySize = maxBodySize
    let tls = target.tls ? sslContext : nil
    let group = MultiThreadedEventLoopGroup.singleton
    let eventLoop = group.next()
    let promise = eventLoop.makePromise(of: Response.self)
    var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: target.pathAndQuery)
    head.headers.add(name: "host", value: target.hostField)
    head.headers.add(name: "connection", value: "close")
    head.headers.add(name: "user-agent", value: "clusterpool-server")
    for (name, value) in fields { head.headers.add(name: name, value: value) }
    if let body { head.headers.replaceOrAdd(name: "content-length", value: String(body.count)) }
    let request = head
    let timeoutTask = eventLoop.scheduleTask(in: .init(timeout)) {
      promise.fail(HTTPFetchError("\(url): no complete reply within \(timeout)"))
    }
    let connected = ClientBootstrap(group: eventLoop)
      .connectTimeout(.init(timeout))
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          if let tls {
            let isAddress = (try? SocketAddress(ipAddress: target.host, port: 0)) != nil
            try channel.pipeline.syncOperations.addHandler(
              NIOSSLClientHandler(context: tls, serverHostname: isAddress ? nil : target.host))
          }
          try channel.pipeline.syncOperations.addHTTPClientHandlers()
          try channel.pipeline.syncOperations.addHandler(ReplyCollector(promise: promise, maxBodySize: maxBodySize, url: url))
        }
      }
      .connect(host: target.host, port: target.port)
    connected.whenFailure { error in promise.fail(HTTPFetchError("cannot connect to \(target.hostField): \(Self.describe(error))")) }
    connected.whenSuccess { channel in
      channel.write(HTTPClientRequestPart.head(request), promise: nil)
      if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil) }
      channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
      promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }
    do {
      let response = try await promise.futureResult.get()
      timeoutTask.cancel()
      return response
    } catch let error as HTTPFetchError {
      timeoutTask.cancel()
      throw error
    } catch {
      timeoutTask.cancel()
      throw HTTPFetchError("\(url): \(Self.describe(error))")
    }
  }

  /// An error in words: `connection refused` rather than NIO's record of the attempt.
  static func describe(_ error: any Error) -> String {
    var error = error
    if let connection = error as? NIOConnectionError, let first = connection.connectionErrors.first?.error { error = first }
    if let io = error as? IOError, let text = strerror(io.errnoCode) { return String(cString: text).lowercased() }
    return "\(error)"
  }
}

/// Why a request of ``HTTPFetcher`` failed (no reply); names the URL or the host.
public struct HTTPFetchError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// Collects one reply and fulfils the promise at its end (or fails it when the connection
/// closes first or the body is too large).
private final class ReplyCollector: ChannelInboundHandler {
  typealias InboundIn = HTTPClientResponsePart

  let promise: EventLoopPromise<HTTPFetcher.Response>
  let maxBodySize: Int
  let url: String
  var response: HTTPFetcher.Response?

  init(promise: EventLoopPromise<HTTPFetcher.Response>, maxBodySize: Int, url: String) {
    self.promise = promise
    self.maxBodySize = maxBodySize
    self.url = url
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head):
      response = .init(
        status: Int(head.status.code), fields: head.headers.map { ($0.name.lowercased(), $0.value) }, body: [])
    case .body(let buffer):
      response?.body += buffer.readableBytesView
      if (response?.body.count ?? 0) > maxBodySize {
        promise.fail(HTTPFetchError("\(url): reply body larger than \(maxBodySize) bytes"))
        context.close(promise: nil)
      }
    case .end:
      if let response { promise.succeed(response) }
      context.close(promise: nil)
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    promise.fail(HTTPFetchError("\(url): the connection closed before a complete reply"))
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    promise.fail(HTTPFetchError("\(url): \(HTTPFetcher.describe(error))"))
    context.close(promise: nil)
  }
}

/// The parts of an `http://` or `https://` URL a request needs.
struct FetchURL: Sendable {
  var tls: Bool
  var host: String
  var port: Int
  var pathAndQuery: String

  init(_ url: String) throws(HTTPFetchError) {
    let rest: Substring
    if url.hasPrefix("https://") {
      (tls, rest) = (true, url.dropFirst(8))
    } else if url.hasPrefix("http://") {
      (tls, rest) = (false, url.dropFirst(7))
    } else {
      throw HTTPFetchError("\(url) is not an http:// or https:// URL")
    }
    let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
    var authority = rest[..<slash]
    let path = rest[slash...]
    pathAndQuery = path.isEmpty ? "/" : (path.first == "?" ? "/" + path : String(path))
    pathAndQuery = pathAndQuery.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
    if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
    var port = tls ? 443 : 80
    if authority.first == "[", let close = authority.firstIndex(of: "]") {
      host = String(authority[authority.index(after: authority.startIndex)..<close])
      let after = authority[authority.index(after: close)...]
      if after.first == ":" {
        guard let parsed = Int(after.dropFirst()), (1...65535).contains(parsed) else { throw HTTPFetchError("\(url): bad port") }
        port = parsed
      }
    } else if let colon = authority.lastIndex(of: ":") {
      host = String(authority[..<colon])
      guard let parsed = Int(authority[authority.index(after: colon)...]), (1...65535).contains(parsed) else {
        throw HTTPFetchError("\(url): bad port")
      }
      port = parsed
    } else {
      host = String(authority)
    }
    guard !host.isEmpty else { throw HTTPFetchError("\(url) names no host") }
    self.port = port
  }

  /// The `Host` field: the host, and the port when it is not the scheme's.
  var hostField: String {
    let name = host.contains(":") ? "[\(host)]" : host
    return port == (tls ? 443 : 80) ? name : "\(name):\(port)"
  }
}
