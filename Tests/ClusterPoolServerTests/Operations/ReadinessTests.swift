import Testing

@testable import ClusterPoolServer

/// Readiness: the store's reason, and not ready once shutdown began whatever the store says.
struct ReadinessTests {
  @Test func storeReasonThenShutdown() async {
    #expect(await Readiness().notReadyReason() == nil)
    let down = Readiness(store: { "PostgreSQL db:5432/x: refused" })
    #expect(await down.notReadyReason() == "PostgreSQL db:5432/x: refused")
    let readiness = Readiness()
    readiness.markShuttingDown()
    #expect(await readiness.notReadyReason()?.hasPrefix("shutting down") == true)
  }
}
