import Foundation
import RPCHTTP2
import ServiceLifecycle

/// Prints `listening on HOST:PORT` (the line a harness waits for) from inside the service
/// group, so that it is printed only once the group traps SIGTERM and SIGINT: the group
/// registers its signal handlers before it starts any service. Printed from outside the group
/// (as before), a SIGTERM sent on seeing the line could arrive before the handlers and kill
/// the process at once (seen with PostgreSQL, whose opening takes longer).
/// With a `--metrics-port` listener, `metrics on HOST:PORT` comes first.
struct ListeningAnnouncement: Service {
  let server: RPCServer
  var metrics: RPCServer? = nil

  func run() async throws {
    if let metrics {
      let address = try await metrics.listeningAddress
      print("metrics on \(address.host):\(address.port)")
    }
    let address = try await server.listeningAddress
    print("listening on \(address.host):\(address.port)")
    fflush(nil)  // flush stdout now: a test harness waits for this line
    HeapTrim.releaseFreePages()  // the start is over: what it freed goes back to the system
    try? await gracefulShutdown()
  }
}
