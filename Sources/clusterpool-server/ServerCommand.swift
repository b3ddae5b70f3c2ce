import ArgumentParser
import BuildInfo
import ClusterPoolAuth
import ClusterPoolDomain
import ClusterPoolPostgres
import ClusterPoolServer
import ClusterPoolSQLite
import ClusterPoolStore
import CoreMetrics
import Foundation
import Logging
import RPCCore
import RPCHTTP2
import ServiceLifecycle

/// `clusterpool-server`: serves the cluster-pool control-plane API over HTTP/2.
@main
struct ServerCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "clusterpool-server",
    abstract: "Serve the cluster-pool control-plane API (gRPC over HTTP/2).",
    usage: """
      clusterpool-server [<options>]
      clusterpool-server migrate --from <file> --to <url> [<options>]
      clusterpool-server keys rotate [--database <database>]
      clusterpool-server audit verify [--database <database>]
      """,
    discussion: """
      Prints "listening on HOST:PORT" on standard output once it accepts connections \
      (useful with --port 0). SIGTERM or SIGINT shuts down gracefully: new calls are \
      refused, calls in flight finish, then the process exits 0. \
      `clusterpool-server migrate` copies an SQLite database into PostgreSQL.
      """,
    version: BuildInfo.versionLine("clusterpool-server"),
    subcommands: [MigrateCommand.self, KeysCommand.self, AuditCommand.self])

  @Option(help: "Address to listen on.")
  var host = "127.0.0.1"

  @Option(help: "Port to listen on (0 picks a free one).")
  var port = 8089

  @Option(help: "TLS certificate chain (PEM). Serves TLS with ALPN h2 when given with --tls-key.")
  var tlsCert: String?

  @Option(help: "TLS private key (PEM).")
  var tlsKey: String?

  @Option(help: "Maximum concurrent streams per connection (SETTINGS_MAX_CONCURRENT_STREAMS).")
  var maxConcurrentStreams = 100

  @Option(help: "Maximum size of one message in bytes, each way; larger is RESOURCE_EXHAUSTED.")
  var maxMessageSize = 4 * 1024 * 1024

  @Option(help: "Maximum size of a request's header list in bytes.")
  var maxHeaderListSize = 16 * 1024

  @Option(help: "Reply bytes encoded but not yet sent on one HTTP/2 connection above which its calls wait for the client to read.")
  var maxBufferedReplyBytes = 4 * 1024 * 1024

  @Option(help: "The same bound over all connections together.")
  var maxTotalBufferedReplyBytes = 64 * 1024 * 1024

  @Option(help: "Seconds a connection may stay without open streams before it is closed.")
  var idleTimeout = 300

  @Option(help: "Seconds without a Heartbeat or UpdateStatus after which a cluster reads UNHEALTHY.")
  var heartbeatTimeout = 60

  @Option(help: "Seconds between saves of cluster health (heartbeat times, reported data planes); also saved at shutdown.")
  var healthSaveInterval = 5

  @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
  var logLevel: Logger.Level = .info

  @Flag(help: "Also serve rpctest.v1.TestService (an echo service used by the transport tests).")
  var enableTestService = false

  @OptionGroup(title: "Cluster pools")
  var pools: PoolOptions

  @OptionGroup(title: "Authentication")
  var auth: AuthOptions

  @OptionGroup(title: "OpenID Connect provider (people)")
  var oidc: OIDCOptions

  @OptionGroup(title: "Audit log")
  var audit: AuditOptions

  @OptionGroup(title: "Logging")
  var log: LogOptions

  @OptionGroup(title: "Metrics and health")
  var metrics: MetricsOptions

  @OptionGroup(title: "Configuration file and environment")
  var configuration: ConfigOptions

  @OptionGroup(title: "Ephemeral server (tests)")
  var ephemeral: EphemeralOptions

  func validate() throws {
    guard (tlsCert == nil) == (tlsKey == nil) else {
      throw ValidationError("--tls-cert and --tls-key go together")
    }
    guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
    guard maxConcurrentStreams > 0, maxMessageSize > 0, maxHeaderListSize > 0, idleTimeout > 0, heartbeatTimeout > 0, healthSaveInterval > 0,
      maxBufferedReplyBytes > 0, maxTotalBufferedReplyBytes > 0
    else {
      throw ValidationError("limits must be positive")
    }
    _ = try pools.serviceConfiguration()
    _ = try pools.defaultPool()
  }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
