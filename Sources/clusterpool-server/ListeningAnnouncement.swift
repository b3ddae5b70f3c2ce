import ClusterPoolServer
import Foundation
import Logging
import RPCHTTP2
import ServiceLifecycle

/// Prints `listening on HOST:PORT` (the line a harness waits for) from inside the service
/// group, so that it is printed only once the group traps SIGTERM and SIGINT: the group
/// registers its signal handlers before it starts any service. Printed from outside the group
/// (as before), a SIGTERM sent on seeing the line could arrive before the handlers and kill
/// the process at once (seen with PostgreSQL, whose opening takes longer).
/// With a `--metrics-port` listener, `metrics on HOST:PORT` comes first; with `--ephemeral`,
/// the config file is written and `flyte config PATH` printed before it.
struct ListeningAnnouncement: Service {
  let server: RPCServer
  var metrics: RPCServer? = nil
  /// `--ephemeral`'s files and the organization and transport its config file names.
  var ephemeral: (session: EphemeralSession, organization: String, tls: Bool)? = nil
  let logger: Logger

  func run() async throws {
    if let metrics {
      let address = try await metrics.listeningAddress
      print("metrics on \(address.host):\(address.port)")
    }
    let address = try await server.listeningAddress
    if let ephemeral {
      try ephemeral.session.write(
        EphemeralSession.config(host: address.host, port: address.port, tls: ephemeral.tls, organization: ephemeral.organization))
      print("flyte config \(ephemeral.session.configPath)")
    }
    // the start's log lines (bootstrap credentials, warnings) reach standard error first: the
    // log writer batches lines for a few milliseconds, and a harness reads them on this line
    LogWriter.standardError.flush()
    print("listening on \(address.host):\(address.port)")
    fflush(nil)  // flush stdout now: a test harness waits for this line
    // the start is over: what it freed goes back to the system, and the file pages it ran
    HeapTrim.releaseFreePages()
    if let released = StartupPages.release() {
      let faultAround: String
      switch released.faultAround {
      case .off(let mappings): faultAround = "fault-around off for \(mappings) code mappings"
      case .kept(let reason): faultAround = "fault-around kept (\(reason))"
      }
      logger.debug("released \(released.bytes / 1024) KiB of the start's file pages (\(released.mappings) mappings); \(faultAround)")
    }
    try? await gracefulShutdown()
  }
}
