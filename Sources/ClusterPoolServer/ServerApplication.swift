internal import ClusterPoolProto
public import ClusterPoolStore
public import Logging
public import RPCCore
public import ServiceLifecycle

/// Everything the server serves, assembled: the method registry with its services and the
/// health status they report.
public struct ServerApplication: Sendable {
  /// What to serve beyond the standard services.
  public struct Options: Sendable {
    /// Serve `rpctest.v1.TestService` (an echo service for transport tests).
    public var enableTestService: Bool

    public init(enableTestService: Bool = false) {
      self.enableTestService = enableTestService
    }
  }

  public let registry: MethodRegistry
  public let health: HealthStatusProvider
  /// Marks every service NOT_SERVING, the server not ready (`/readyz`) and ends health
  /// watches when shutdown begins; run it in the same `ServiceGroup` after the server so that
  /// it is told first.
  public let healthShutdown: HealthShutdownService
  /// What `/readyz` answers from.
  public let readiness: Readiness

  /// Assembles the registry (`registry`, when a server made before the services already
  /// holds it); `clusterPools` (the pool service over its store), `clusters`, `queues`,
  /// `identity` (the six identity and access services) and `auth` (token endpoint, metadata,
  /// UserInfo, the call authenticator) are served when given. Pool, cluster and queue calls
  /// carry the revision headers (``RevisionHeaders``) over `revisions`, by default their
  /// store's when it keeps revisions (``PoolStore`` does), and take dry runs (``DryRunCalls``).
  public init(
    options: Options = .init(), registry: MethodRegistry = MethodRegistry(), clusterPools: ClusterPoolService? = nil,
    clusters: ClusterService? = nil, queues: QueueService? = nil, identity: IdentityServices? = nil,
    auth: AuthService? = nil, audit: AuditServing? = nil,
    revisions: (any StoreRevisions)? = nil, operations: OperationsRoutes = OperationsRoutes(readiness: Readiness(), exposition: nil),
    logger: Logger
  ) {
    operations.register(in: registry)
    let health = HealthStatusProvider()
    HealthService(provider: health).register(in: registry)
    var services: Set<String> = [HealthService.serviceName]
    if let auth {
      auth.register(in: registry)
      services.formUnion([AuthService.metadataServiceName, AuthService.identityServiceName])
    }
    if let clusterPools {
      clusterPools.register(in: registry)
      services.insert(ClusterPoolService.serviceName)
    }
    if let clusters {
      clusters.register(in: registry)
      services.insert(ClusterService.serviceName)
    }
    if let queues {
      queues.register(in: registry)
      services.insert(QueueService.serviceName)
    }
    if let identity {
      identity.register(in: registry)
      services.formUnion(IdentityServices.serviceNames)
    }
    if let audit {
      audit.service.register(in: registry)
      services.insert(AuditService.serviceName)
    }
    if options.enableTestService {
      TestService().register(in: registry)
      services.insert(TestService.serviceName)
    }
    let stores: [Any?] = [clusterPools?.store, clusters?.store, queues?.store, identity?.store]
    if let revisions = revisions ?? stores.lazy.compactMap({ $0 as? any StoreRevisions }).first {
      let headers = RevisionHeaders(store: revisions)
      let audited: any CallPolicy = audit.map { AuditedCalls(wrapping: headers, recorder: $0.recorder, fallback: $0.fallback) } ?? headers
      let policy = DryRunCalls(wrapping: audited)
      let served = [ClusterPoolService.serviceName, ClusterService.serviceName, QueueService.serviceName]
        + (identity == nil ? [] : IdentityServices.serviceNames)
      for service in served {
        registry.apply(policy, toService: service)
      }
    }
    // Reflection describes the whole API, including services whose methods come later.
    let described = ProtoServices.all.map(\.fullName).filter { options.enableTestService || $0 != TestService.serviceName }
    let index = ReflectionIndex(
      services: described, hiddenFilePrefixes: options.enableTestService ? [] : ["testing/"])
    ReflectionService(index: index).register(in: registry)
    services.insert(ReflectionService.serviceName)

    health.setStatus(.serving, for: "")
    for service in services.sorted() { health.setStatus(.serving, for: service) }
    logger.info("serving", metadata: ["services": "\(services.sorted().joined(separator: ", "))"])

    self.registry = registry
    self.health = health
    self.readiness = operations.readiness
    self.healthShutdown = HealthShutdownService(
      provider: health, readiness: operations.readiness,
      onShutdown: {
        clusters?.endWatches()
        audit?.service.endWatches()
      })
  }
}

/// Waits for graceful shutdown, then reports NOT_SERVING and ends every health watch (and
/// every other long-lived watch) so that load balancers stop sending new work and the
/// server can drain.
public struct HealthShutdownService: Service {
  let provider: HealthStatusProvider
  var readiness: Readiness? = nil
  var onShutdown: @Sendable () -> Void = {}

  public func run() async throws {
    try? await gracefulShutdown()
    readiness?.markShuttingDown()
    provider.setAll(.notServing)
    provider.finishWatchers()
    onShutdown()
  }
}
