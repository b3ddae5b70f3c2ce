import ArgumentParser
import Foundation
import Logging
import RPCCore
import RPCHTTP2
import Synchronization

/// A few RPC clients (one HTTP/2 connection each); calls are spread over them round robin.
final class ClientPool: Sendable {
  let clients: [RPCClient]
  private let next = Atomic<Int>(0)

  init(_ options: TargetOptions) throws {
    let parts = options.target.split(separator: ":")
    guard parts.count == 2, let port = Int(parts[1]) else { throw ValidationError("--target must be HOST:PORT") }
    var logger = Logger(label: "clusterpool-load")
    logger.logLevel = .warning
    clients = (0..<max(1, options.connections)).map { _ in
      RPCClient(configuration: .init(host: String(parts[0]), port: port), logger: logger)
    }
  }

  /// The client for call number `index` (or the next one).
  func client(_ index: Int? = nil) -> RPCClient {
    let i = index ?? next.add(1, ordering: .relaxed).oldValue
    return clients[i % clients.count]
  }

  func close() async {
    for client in clients { await client.close() }
  }
}

/// Latencies in microseconds, and their nearest-rank percentiles.
struct Latencies {
  var samples: [Double] = []

  func percentile(_ q: Double) -> Double {
    guard !samples.isEmpty else { return .nan }
    let sorted = samples.sorted()
    return sorted[max(0, min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1))]
  }
}

extension Duration {
  var microseconds: Double {
    Double(components.seconds) * 1e6 + Double(components.attoseconds) / 1e12
  }
}

/// Prints and flushes at once (the bench script waits for lines).
func say(_ line: String) {
  print(line)
  fflush(nil)
}

/// Latencies recorded by many tasks.
final class LatencyLog: Sendable {
  private let latencies = Mutex(Latencies())

  func record(_ microseconds: Double) { latencies.withLock { $0.samples.append(microseconds) } }
  var snapshot: Latencies { latencies.withLock { $0 } }
}

/// CPU time (user + system) this process used so far, in seconds.
func processCPUSeconds() -> Double {
  var usage = rusage()
  #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
  #else
    getrusage(RUSAGE_SELF, &usage)
  #endif
  return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// A count shared by many tasks.
final class Counter: Sendable {
  private let count = Atomic<Int>(0)

  func add(_ n: Int = 1) { count.add(n, ordering: .relaxed) }
  var value: Int { count.load(ordering: .relaxed) }
}
