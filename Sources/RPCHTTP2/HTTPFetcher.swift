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
