public import NIOCore
internal import NIOHTTP1
public import RPCCore
internal import RPCHTTP1

/// How an `RPCServer` listens and what it tolerates. Defaults are documented per field.
public struct ServerConfiguration: Sendable {
  /// TLS material: PEM files for the certificate chain and the private key. ALPN offers `h2`
  /// and `http/1.1`.
  public struct ServerTLS: Sendable {
    /// Path of the PEM certificate chain (leaf first).
    public var certificateChainPath: String
    /// Path of the PEM private key.
    public var privateKeyPath: String

    public init(certificateChainPath: String, privateKeyPath: String) {
      self.certificateChainPath = certificateChainPath
      self.privateKeyPath = privateKeyPath
    }
  }

  /// Per-connection limits and timeouts.
  public struct Limits: Sendable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS. Default 100.
    public var maxConcurrentStreams: Int = 100
    /// Largest request or response message, after decompression. Default 4 MiB.
    public var maxMessageSize: Int = 4 << 20
    /// SETTINGS_MAX_HEADER_LIST_SIZE. Default 16 KiB.
    public var maxHeaderListSize: Int = 16 << 10
    /// A connection with no open stream (HTTP/1.1: no request) for this long is closed
    /// (HTTP/2 with GOAWAY). Default 5 min.
    public var idleTimeout: Duration = .seconds(300)
    /// A connection that sends no request within this time is closed. Default 10 s.
    public var firstRequestTimeout: Duration = .seconds(10)
    /// Bytes written to the socket but not yet sent above which the server stops pulling
    /// frames from nghttp2 (the channel's high-water mark). Default 1 MiB.
    public var maxBufferedOutputPerConnection: Int = 1 << 20
    /// Queued output per stream above which a streaming handler's `write` suspends.
    /// Default 64 KiB.
    public var maxBufferedOutputPerStream: Int = 64 << 10
    /// Reply bytes encoded but not yet sent on one HTTP/2 connection (a client that reads
    /// slowly, or not at all) above which its calls wait to start their handlers and its
    /// streaming writers suspend, instead of buffering more; deadlines still apply.
    /// Default 4 MiB.
    public var maxBufferedReplyBytesPerConnection: Int = 4 << 20
    /// The same bound over all connections together. Default 64 MiB.
    public var maxBufferedReplyBytes: Int = 64 << 20
    /// HTTP/2 flow-control window offered per stream. Default 1 MiB.
    public var initialStreamWindow: Int = 1 << 20
    /// HTTP/2 flow-control window offered for the whole connection. Default 4 MiB.
    public var connectionWindow: Int = 4 << 20

    public init() {}
  }

  /// Address to bind. Default `127.0.0.1`.
  public var host: String
  /// Port to bind; 0 picks a free one (see `RPCServer.listeningAddress`). Default 8089.
  public var port: Int
  /// TLS, or `nil` for cleartext: HTTP/2 with prior knowledge (h2c) or HTTP/1.1.
  public var tls: ServerTLS?
  /// Limits and timeouts.
  public var limits: Limits
  /// Event-loop threads. Default: one per core.
  public var eventLoopThreads: Int
  /// How long graceful shutdown waits for in-flight calls before closing. Default 10 s.
  public var shutdownGracePeriod: Duration
  /// Told of every RPC call once, when it ends (metrics, the access log), on the call's
  /// event loop, over both HTTP versions. Default none.
  public var callObservers: [any CallObserver]

  public init(
    host: String = "127.0.0.1", port: Int = 8089, tls: ServerTLS? = nil,
    limits: Limits = Limits(), eventLoopThreads: Int = System.coreCount,
    shutdownGracePeriod: Duration = .seconds(10), callObservers: [any CallObserver] = []
  ) {
    self.callObservers = callObservers
    self.host = host
    self.port = port
    self.tls = tls
    self.limits = limits
    self.eventLoopThreads = eventLoopThreads
    self.shutdownGracePeriod = shutdownGracePeriod
  }

  var http2Settings: NGHTTP2Settings {
    NGHTTP2Settings(
      maxConcurrentStreams: UInt32(limits.maxConcurrentStreams),
      initialWindowSize: UInt32(limits.initialStreamWindow),
      connectionWindowSize: Int32(limits.connectionWindow),
      maxHeaderListSize: UInt32(limits.maxHeaderListSize))
  }

  var http1Configuration: HTTP1Configuration {
    HTTP1Configuration(
      maxMessageSize: limits.maxMessageSize, idleTimeout: .init(limits.idleTimeout),
      firstRequestTimeout: .init(limits.firstRequestTimeout), observers: CallObservers(callObservers))
  }

  /// HTTP/1.1 request heads are held to the HTTP/2 header list limit.
  var http1HeaderLimits: NIOHTTPDecoderLimitConfiguration {
    var decoder = NIOHTTPDecoderLimitConfiguration()
    decoder.maxHeaderListSize = limits.maxHeaderListSize
    decoder.maxHeaderFieldSize = limits.maxHeaderListSize
    return decoder
  }
}
