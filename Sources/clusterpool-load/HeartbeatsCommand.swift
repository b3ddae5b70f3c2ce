import ArgumentParser
import Foundation
import RPCHTTP2
import Synchronization

/// Simulates `--clusters` data planes: registers them (distinct names), then each sends one
/// Heartbeat per second for `--duration` seconds, spread evenly over each second. Prints
/// `heartbeating` when the measured phase starts and one `RESULT` line at the end with the
/// achieved rate and the Heartbeat latencies.
struct HeartbeatsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "heartbeats", abstract: "Simulate many heartbeating clusters.")

  @OptionGroup var target: TargetOptions

  @Option(help: "Simulated clusters.")
  var clusters = 5000

  @Option(help: "Name prefix of the clusters (NAME-0, NAME-1, ...).")
  var prefix = "sim"

  @Option(help: "Pool to register them into (empty: default).")
  var pool = ""

  @Option(help: "Seconds of heartbeating.")
  var duration = 30

  @Option(help: "Send slices per second (each sends clusters/slices heartbeats).")
  var slices = 1000

  func run() async throws {
    let clients = try ClientPool(target)
    let org = target.organization
    let (clusters, pool, duration, slices) = (self.clusters, self.pool, self.duration, self.slices)
    let names = (0..<clusters).map { "\(prefix)-\($0)" }
    let clock = ContinuousClock()

    // Register (an already registered name is fine: a rerun on the same database).
    let registered = Counter()
    let t0 = clock.now
    await withTaskGroup(of: Void.self) { group in
      for (index, name) in names.enumerated() {
        if index >= 64 { await group.next() }
        group.addTask {
          do {
            try await clients.client(index).createCluster(name, org: org, pool: pool)
            registered.add()
          } catch {}
        }
      }
    }
    say("registered \(registered.value) of \(clusters) in \(clock.now - t0)")

    let sent = Counter()
    let done = Counter()
    let failed = Counter()
    let latencies = LatencyLog()
    say("heartbeating \(clusters) clusters for \(duration)s")
    let cpuAtStart = processCPUSeconds()
    let start = clock.now
    let end = start + .seconds(duration)
    await withTaskGroup(of: Void.self) { group in
      var slice = 0
      while true {
        let due = start + .seconds(1) * slice / slices
        if due >= end { break }
        try? await clock.sleep(until: due, tolerance: .microseconds(500))
        // slice k of each second sends clusters k·n/s ..< (k+1)·n/s: every cluster once a
        // second, whether or not the count divides evenly
        let k = slice % slices
        for index in (k * clusters / slices)..<((k + 1) * clusters / slices) {
          sent.add()
          group.addTask {
            let begin = clock.now
            do {
              try await clients.client(index).heartbeat(names[index], org: org)
              let took = (clock.now - begin).microseconds
              done.add()
              latencies.record(took)
            } catch {
              failed.add()
            }
          }
        }
        slice += 1
      }
      await group.waitForAll()
    }
    let elapsed = Double((clock.now - start).microseconds) / 1e6
    let cpu = processCPUSeconds() - cpuAtStart
    let stats = latencies.snapshot
    let ok = done.value
    say(
      "RESULT clusters=\(clusters) sent=\(sent.value) ok=\(ok) failed=\(failed.value) "
        + "seconds=\(String(format: "%.2f", elapsed)) rate=\(String(format: "%.0f", Double(ok) / elapsed)) "
        + "driver_cpu_pct=\(String(format: "%.0f", 100 * cpu / elapsed)) "
        + "p50_ms=\(String(format: "%.3f", stats.percentile(0.5) / 1000)) p99_ms=\(String(format: "%.3f", stats.percentile(0.99) / 1000))")
    await clients.close()
  }
}
