import ArgumentParser
import ClusterPoolProto
import RPCCore
import RPCHTTP2
import Synchronization

/// Holds `--count` WatchClusters streams open for `--duration` seconds, reading every message.
/// Prints `watchers ready N` once every stream got its first message, and at the end one
/// `RESULT` line.
struct WatchersCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "watchers", abstract: "Hold many WatchClusters streams open.")

  @OptionGroup var target: TargetOptions

  @Option(help: "Concurrent WatchClusters streams.")
  var count = 500

  @Option(help: "Seconds to keep them open after all are ready.")
  var duration = 30

  func run() async throws {
    let pool = try ClientPool(target)
    let count = self.count
    let ready = Counter()
    let messages = Counter()
    let failures = Counter()
    let clock = ContinuousClock()
    let started = clock.now
    await withTaskGroup(of: Void.self) { group in
      for index in 0..<count {
        group.addTask {
          do {
            try await pool.client(index).serverStreaming(
              RPCClient.clusterMethod("WatchClusters"), request: API.WatchClustersRequest(),
              serializer: ProtoSerializer<API.WatchClustersRequest>(), deserializer: ProtoDeserializer<API.WatchClustersResponse>()
            ) { responses in
              var first = true
              for try await _ in responses {
                messages.add()
                if first { ready.add() }
                first = false
              }
            }
          } catch is CancellationError {
          } catch {
            if !Task.isCancelled { failures.add() }
          }
        }
      }
      while ready.value + failures.value < count {
        try? await clock.sleep(for: .milliseconds(20))
      }
      say("watchers ready \(ready.value) in \(clock.now - started) (failed \(failures.value))")
      try? await clock.sleep(for: .seconds(duration))
      group.cancelAll()
    }
    say(
      "RESULT watchers=\(count) ready=\(ready.value) messages=\(messages.value) "
        + "failed=\(failures.value)")
    await pool.close()
  }
}
