import ClusterPoolProto
import Testing

@testable import ClusterPoolServer

@Suite struct HealthStatusProviderTests {
  @Test func unknownServiceHasNoStatus() {
    let provider = HealthStatusProvider()
    #expect(provider.status(of: "x") == nil)
    provider.setStatus(.serving, for: "x")
    #expect(provider.status(of: "x") == .serving)
  }

  @Test func watchSeesCurrentThenChangesThenEnds() async {
    let provider = HealthStatusProvider()
    provider.setStatus(.serving, for: "svc")
    var updates = provider.updates(of: "svc").makeAsyncIterator()
    #expect(await updates.next() == .serving)
    provider.setStatus(.serving, for: "svc")  // no change, no message
    provider.setStatus(.notServing, for: "svc")
    #expect(await updates.next() == .notServing)
    provider.finishWatchers()
    #expect(await updates.next() == nil)
  }

  @Test func watchOfUnregisteredServiceReadsServiceUnknownUntilRegistered() async {
    let provider = HealthStatusProvider()
    var updates = provider.updates(of: "later").makeAsyncIterator()
    #expect(await updates.next() == .serviceUnknown)
    provider.setStatus(.serving, for: "later")
    #expect(await updates.next() == .serving)
  }

  @Test func setAllMarksEveryService() {
    let provider = HealthStatusProvider()
    provider.setStatus(.serving, for: "")
    provider.setStatus(.serving, for: "a")
    provider.setAll(.notServing)
    #expect(provider.status(of: "") == .notServing)
    #expect(provider.status(of: "a") == .notServing)
  }
}
