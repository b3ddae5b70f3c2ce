public import RPCCore

/// Where an `RPCClient` connects and how.
public struct ClientConfiguration: Sendable {
  /// TLS settings: trust roots and the name to verify.
  public struct ClientTLS: Sendable {
    /// PEM file of the CA certificate(s) to trust; `nil` uses the system trust roots.
    public var caCertificatePath: String?
    /// The host name sent in SNI and verified in the certificate; default: `host`.
    public var serverHostname: String?

    public init(caCertificatePath: String? = nil, serverHostname: String? = nil) {
      self.caCertificatePath = caCertificatePath
      self.serverHostname = serverHostname
    }
  }

  /// Server host name or address.
  public var host: String
  /// Server port.
  public var port: Int
  /// TLS, or `nil` for cleartext HTTP/2 with prior knowledge (h2c).
  public var tls: ClientTLS?
  /// How long connecting may take. Default 10 s.
  public var connectTimeout: Duration
  /// Largest response message accepted, after decompression. Default 4 MiB.
  public var maxMessageSize: Int
  /// Queued request bytes per stream above which `RPCWriter.write` suspends. Default 64 KiB.
  public var maxBufferedOutputPerStream: Int

  public init(
    host: String, port: Int, tls: ClientTLS? = nil, connectTimeout: Duration = .seconds(10),
    maxMessageSize: Int = 4 << 20, maxBufferedOutputPerStream: Int = 64 << 10
  ) {
    self.host = host
    self.port = port
    self.tls = tls
    self.connectTimeout = connectTimeout
    self.maxMessageSize = maxMessageSize
    self.maxBufferedOutputPerStream = maxBufferedOutputPerStream
  }
}

/// Per-call options.
public struct CallOptions: Sendable {
  /// Fails the call with `DEADLINE_EXCEEDED` after this long; sent as `grpc-timeout`.
  public var timeout: Duration?
  /// gzip-compress request messages (`grpc-encoding: gzip`).
  public var compressRequests: Bool
  /// Extra request headers (lower-case names; no pseudo-headers).
  public var metadata: Metadata
  /// Told the fields of each response header block (the head, then the trailers; a
  /// trailers-only answer is one block), pseudo-headers excluded, on the connection's event
  /// loop: keep it short.
  public var onResponseMetadata: (@Sendable (Metadata) -> Void)?

  public init(
    timeout: Duration? = nil, compressRequests: Bool = false, metadata: Metadata = [:],
    onResponseMetadata: (@Sendable (Metadata) -> Void)? = nil
  ) {
    self.timeout = timeout
    self.compressRequests = compressRequests
    self.metadata = metadata
    self.onResponseMetadata = onResponseMetadata
  }
}
