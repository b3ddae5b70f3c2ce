public import ClusterPoolDomain
public import Logging

extension LocalServer {
  /// How a ``LocalServer`` is made. The defaults are those of `clusterpool-server` on a
  /// loopback port (auth off, organization `default`), with the store in memory.
  public struct Options: Sendable {
    /// Where the server keeps its state.
    public enum Storage: Sendable, Hashable {
      /// The in-memory backend: nothing on disk.
      case memory
      /// An SQLite file in a new temporary folder, removed when ``LocalServer/run(_:_:)``
      /// returns.
      case temporarySQLite
      /// An SQLite file `pools.db` in `folder` (made when missing), which is kept (a later
      /// server may open it again: a restart).
      case sqlite(folder: String)
    }

    /// Files of a TLS listener: its certificate chain and key, and the CA the clients trust.
    public struct TLSFiles: Sendable, Hashable {
      public var certificateChainPath: String
      public var privateKeyPath: String
      public var caCertificatePath: String

      public init(certificateChainPath: String, privateKeyPath: String, caCertificatePath: String) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.caCertificatePath = caCertificatePath
      }
    }

    /// Default ``Storage/memory``.
    public var storage: Storage = .memory
    /// `--auth on`: every call needs a credential; the server's ``LocalServer/settings`` then
    /// carry the bootstrap admin's key (``LocalServer/adminKey``). Default off.
    public var auth = false
    /// The organization of calls that name none, and of the bootstrap admin. Default `default`.
    public var organization = "default"
    /// The author of every change with auth off. Default user `anonymous`.
    public var callerIdentity: Identity = .user(subject: "anonymous")
    /// The `default` pool's object store.
    public var defaultObjectStoreURI = "file:///var/lib/clusterpool/default"
    /// Cleartext (h2c and HTTP/1.1) unless given.
    public var tls: TLSFiles?
    /// `--heartbeat-timeout`. Default 60 s.
    public var heartbeatTimeout: Duration = .seconds(60)
    /// `--health-save-interval`. Default 5 s.
    public var healthSaveInterval: Duration = .seconds(5)
    /// Seconds an access token is valid. Default 3600.
    public var tokenLifetime: Int64 = 3600
    /// Seconds of clock difference tolerated on a token's times. Default 60.
    public var tokenClockSkew: Int64 = 60
    /// YAML files and folders of documents (`kind: ClusterPool | Cluster | Queue | Role |
    /// Policy | Assignment`, as `flyte apply -f` reads them) applied before the body runs.
    public var seed: [String] = []
    /// The same as text (applied after ``seed``).
    public var seedDocuments: String?
    /// Also serve `rpctest.v1.TestService`.
    public var enableTestService = false
    /// The server's log; by default warnings and worse go to swift-log's handler.
    public var logger: Logger = {
      var logger = Logger(label: "LocalServer")
      logger.logLevel = .warning
      return logger
    }()

    /// The defaults, organization `organization`.
    public init(organization: String = "default", storage: Storage = .memory, auth: Bool = false) {
      self.organization = organization
      self.storage = storage
      self.auth = auth
    }
  }
}
