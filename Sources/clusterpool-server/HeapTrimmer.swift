import RPCHTTP2
import ServiceLifecycle

/// Trims the heap (`HeapTrim`) once enough connections closed: every `interval` it counts the
/// open connections, and when at least `closedEnough` fewer are open than at the most since the
/// last trim, it trims. A trim walks the arenas under their locks, so it is not done per close.
struct HeapTrimmer: Service {
  let census: TransportCensus
  var interval: Duration = .seconds(10)
  /// About 4 MiB of connection state.
  var closedEnough = 256

  func run() async throws {
    await cancelWhenGracefulShutdown { await watch() }
  }

  private func watch() async {
    var peak = open
    while (try? await Task.sleep(for: interval)) != nil {
      let now = open
      if peak - now >= closedEnough {
        HeapTrim.releaseFreePages()
        peak = now
      } else {
        peak = max(peak, now)
      }
    }
  }

  private var open: Int { census.http2Connections + census.http1Connections }
}
