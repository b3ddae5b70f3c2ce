public import ClusterPoolAuth
public import ClusterPoolDomain
public import ClusterPoolStore
public import Logging
public import RPCCore
public import RPCHTTP2

/// The services of one server over an open store, wired as `clusterpool-server` wires them:
/// the pool, cluster, queue, identity, auth and audit services in one ``ServerApplication``,
/// plus the long-lived pieces they need (audit recorder, signing-key refresh, health keeper).
/// `clusterpool-server` and `ClusterPoolTesting.LocalServer` both assemble their server here;
/// ``services(server:storeFollowers:metrics:announcement:)`` lists what to run in the
/// `ServiceGroup`, in the order that stops it gracefully.
public struct ServerAssembly: Sendable {
  /// What the assembly is told, besides the store and the listener: the flags of the
  /// services, with `clusterpool-server`'s defaults.
  public struct Settings: Sendable {
    /// The organization and author of calls that name none (auth off).
    public var pools: ClusterPoolService.Configuration
    /// The identity services' defaults (the policy of new apps).
    public var identity: IdentityServices.Configuration
    /// How access tokens are issued and checked.
    public var tokens: TokenConfiguration
    /// `--signing-key-refresh-interval`.
    public var signingKeyRefreshInterval: Duration = .seconds(30)
    /// `--public-url`.
    public var publicURL: String?
    /// Whether the listener speaks TLS.
    public var tls = false
    /// `--auth on`: every call authenticated and authorized.
    public var enforce = false
    /// The audit recorder's flood limits.
    public var auditFlood = AuditRecorder.Settings()
    /// How long audit records are kept; `nil` forever.
    public var auditRetention: Duration?
    /// `--heartbeat-timeout`.
    public var heartbeatTimeout: Duration = .seconds(60)
    /// `--health-save-interval`.
    public var healthSaveInterval: Duration = .seconds(5)
    /// Serve `rpctest.v1.TestService` too.
    public var enableTestService = false

    /// Settings for organization `defaultOrganization` as `callerIdentity` (auth off), new
    /// apps given `defaultAppPolicy`, tokens of issuer `clusterpool-server`.
    public init(
      defaultOrganization: Organization, callerIdentity: Identity = .user(subject: "anonymous"),
      defaultAppPolicy: String? = "contributor", tokens: TokenConfiguration = TokenConfiguration(
        issuer: "clusterpool-server", audience: "clusterpool", lifetime: 3600)
    ) {
      pools = ClusterPoolService.Configuration(defaultOrganization: defaultOrganization, callerIdentity: callerIdentity)
      identity = IdentityServices.Configuration(
        defaultOrganization: defaultOrganization, callerIdentity: callerIdentity, defaultAppPolicy: defaultAppPolicy)
      self.tokens = tokens
    }
  }

  /// The store every service reads and writes.
  public let store: PoolStore
  /// The registry with every service, and the health they report.
  public let app: ServerApplication
  /// The cluster service (its health board, watchers and keeper).
  public let clusters: ClusterService
  /// The queue service.
  public let queues: QueueService
  /// Keeps the cluster service's health (its saves, and the timeouts it applies); runs in
  /// the group.
  public let healthKeeper: ClusterHealthKeeper
  /// The audit log's recorder of calls.
  public let recorder: AuditRecorder
  /// The operator's routes (`/metrics`, `/healthz`, `/readyz`), served by the registry too.
  public let operations: OperationsRoutes
  let keyRefresh: SigningKeyRefresh
  let oidc: OIDCProvider?
  let auditRetention: AuditRetention?
  let logger: Logger

  /// Wires the services over `store` into `registry` (the one the listener serves): loads the
  /// signing keys from `signingKeys` (a failure is a ``StoreOpenError`` naming them), and asks
  /// `operations` for the `/metrics`, `/healthz` and `/readyz` routes over the cluster service.
  public init(
    store: PoolStore, signingKeys: any SigningKeyStore, registry: MethodRegistry, settings: Settings,
    oidc: OIDCProvider? = nil, operations makeOperations: (ClusterService) -> OperationsRoutes, logger: Logger
  ) async throws {
    let pools = settings.pools
    let recorder = AuditRecorder(store: store, defaultOrganization: pools.defaultOrganization, settings: settings.auditFlood, logger: logger)
    let authService: AuthService
    do {
      let keyring = SigningKeyring(store: signingKeys, verifyRetiredFor: settings.tokens.lifetime + settings.tokens.clockSkew)
      let kid = try await keyring.load(now: AccessTokens.systemClock())
      logger.info("access tokens signed with key \(kid)", metadata: ["issuer": "\(settings.tokens.issuer)"])
      keyRefresh = SigningKeyRefresh(keyring: keyring, interval: settings.signingKeyRefreshInterval, logger: logger)
      authService = AuthService(
        tokens: AccessTokens(configuration: settings.tokens, keyring: keyring), clients: StoreClientCredentials(store: store),
        access: store, configuration: .init(publicURL: settings.publicURL, tls: settings.tls, enforce: settings.enforce),
        oidc: oidc, audit: recorder, logger: logger)
    } catch {
      throw StoreOpenError("cannot load the signing keys: \(error)")
    }
    let clusters = ClusterService(
      store: store, configuration: pools, heartbeatTimeout: settings.heartbeatTimeout, healthSaveInterval: settings.healthSaveInterval)
    let queues = QueueService(store: store, clusters: clusters, configuration: pools)
    operations = makeOperations(clusters)
    app = ServerApplication(
      options: .init(enableTestService: settings.enableTestService), registry: registry,
      clusterPools: ClusterPoolService(store: store, configuration: pools), clusters: clusters, queues: queues,
      identity: IdentityServices(store: store, configuration: settings.identity), auth: authService,
      audit: AuditServing(
        service: AuditService(store: store, defaultOrganization: pools.defaultOrganization), recorder: recorder,
        fallback: settings.enforce ? nil : pools.callerIdentity),
      operations: self.operations, logger: logger)
    auditRetention = settings.auditRetention.flatMap { retention in
      store.auditLog.map { AuditRetention(log: $0, retention: retention, logger: logger) }
    }
    self.store = store
    self.clusters = clusters
    healthKeeper = clusters.healthKeeper(logger: logger)
    self.queues = queues
    self.recorder = recorder
    self.oidc = oidc
    self.logger = logger
  }
}
