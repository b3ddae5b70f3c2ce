import ClusterPoolPostgres
import ClusterPoolServer
import ClusterPoolStore
import CoreMetrics
import Logging
import Prometheus
import RPCCore
import RPCHTTP2

/// The process's metrics: swift-metrics bootstrapped once with swift-prometheus, whose
/// registry `/metrics` renders.
enum ServerMetrics {
  /// Bootstraps the metrics system (once per process) and returns the registry it records into.
  static func bootstrap() -> PrometheusCollectorRegistry {
    let registry = PrometheusCollectorRegistry()
    var factory = PrometheusMetricsFactory(registry: registry)
    factory.durationHistogramBuckets["clusterpool_store_commit_duration_seconds"] = CallMetrics.latencyBuckets
    factory.valueHistogramBuckets["clusterpool_store_commit_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    MetricsSystem.bootstrap(factory)
    return registry
  }
}

extension ServerCommand {
  /// `/metrics`, `/healthz` and `/readyz` over `store` (ready while open and, on PostgreSQL,
  /// while the database answers) and the cluster service's health and watchers. `/metrics` is
  /// the registry's text followed by the call latency histogram, which `calls` writes itself.
  func operationsRoutes(
    prometheus: PrometheusCollectorRegistry, calls: CallMetrics, server: RPCServer, store: PoolStore,
    clusters: ClusterService, follower: PostgresFollower?
  ) -> OperationsRoutes {
    let postgres = follower?.backend.client
    let readiness = Readiness(store: {
      guard store.isOpen else { return "the store is closed" }
      return await postgres?.unreadyReason()
    })
    let replica = follower.map(ReplicaGauges.init)
    let gauges = StoreGauges(store: store, clusters: clusters)
    let transport = TransportGauges(census: server.census)
    return OperationsRoutes(
      readiness: readiness,
      exposition: {
        calls.collect()
        var text = prometheus.emitToBuffer()
        calls.appendLatency(to: &text)
        return text
      },
      beforeScrape: {
        gauges.update()
        transport.update()
        replica?.update()
      })
  }

  /// The `--metrics-port` listener, bound (nil without the flag): a server of its own whose
  /// registry (returned with it) will hold only the operator's routes.
  func metricsServer(logger: Logger) async throws -> (server: RPCServer, registry: MethodRegistry)? {
    guard let port = metrics.metricsPort else { return nil }
    var configuration = ServerConfiguration()
    configuration.host = metrics.metricsHost
    configuration.port = port
    configuration.eventLoopThreads = 1
    let registry = MethodRegistry()
    let server = RPCServer(configuration: configuration, registry: registry, logger: logger)
    do {
      try await server.bind()
    } catch {
      throw StartupError(message: "cannot listen for --metrics-port: \(error)")
    }
    return (server, registry)
  }
}

/// On PostgreSQL, how far this replica's read model is behind the change log:
/// `clusterpool_replica_lag_revisions` (notified, not yet applied),
/// `clusterpool_replica_lag_seconds` (how long the oldest of them has waited; 0 caught up) and
/// `clusterpool_replica_last_read_age_seconds` (since the change log was last read: it is read
/// at least every poll interval while the database answers).
struct ReplicaGauges: Sendable {
  let follower: PostgresFollower
  let revisions = Gauge(label: "clusterpool_replica_lag_revisions")
  let seconds = Gauge(label: "clusterpool_replica_lag_seconds")
  let lastRead = Gauge(label: "clusterpool_replica_last_read_age_seconds")

  init(_ follower: PostgresFollower) { self.follower = follower }

  func update() {
    let lag = follower.lag
    revisions.record(Int64(clamping: lag.revisions))
    seconds.record(lag.seconds)
    if let age = lag.sinceLastRead { lastRead.record(age) }
  }
}
