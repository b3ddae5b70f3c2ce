import Logging
import RPCCore
import Testing

@testable import ClusterPoolServer
@testable import ClusterPoolStore

/// The parts of `RevisionHeaders` with no I/O: reading `clusterpool-min-revision`, and how
/// long a call waits for it.
@Suite struct RevisionHeadersTests {
  @Test(arguments: [("0", UInt64(0)), ("42", 42), (" 7\t", 7), ("18446744073709551615", .max)])
  func revisionsParse(_ text: String, _ value: UInt64) throws {
    #expect(try RevisionHeaders.parse(text) == value)
  }

  @Test(arguments: ["", " ", "abc", "-1", "+1", "1.5", "1e3", "0x10", "18446744073709551616", "4 2"])
  func anythingElseIsInvalidArgumentNamingTheHeader(_ text: String) {
    do {
      _ = try RevisionHeaders.parse(text)
      Issue.record("\"\(text)\" was accepted")
    } catch {
      #expect(error.code == .invalidArgument)
      #expect(error.message.contains("clusterpool-min-revision"), "\(error.message)")
    }
  }

  @Test func theWaitEndsBeforeTheCallsDeadlineAndNeverPastTheCap() {
    let now = ContinuousClock.now
    #expect(RevisionHeaders.waitDeadline(callDeadline: nil, now: now) == now + .seconds(10))
    #expect(RevisionHeaders.waitDeadline(callDeadline: now + .seconds(60), now: now) == now + .seconds(10))
    #expect(RevisionHeaders.waitDeadline(callDeadline: now + .seconds(1), now: now) == now + .milliseconds(900))
    #expect(RevisionHeaders.waitDeadline(callDeadline: now + .seconds(5), now: now) == now + .milliseconds(4_800))
    #expect(RevisionHeaders.waitDeadline(callDeadline: now - .seconds(1), now: now) == now)
  }
}

/// A write's answer reports its own commit's revision even while the store's contiguous
/// revision is below it (a replica not caught up with another replica's earlier commit).
@Suite struct RevisionHeadersWriteTests {
  struct Behind: StoreRevisions {
    var revision: UInt64 { 4 }
    func waitForRevision(_ revision: UInt64, until deadline: ContinuousClock.Instant) async throws {}
  }

  @Test func aWritesAnswerCarriesItsCommitsRevision() async throws {
    let policy = RevisionHeaders(store: Behind())
    let context = ServerContext(
      method: MethodDescriptor(service: "t.S", method: "M"), requestMetadata: [:], deadline: nil, peer: "test",
      logger: Logger(label: "test"))
    let read = ServerContext(
      method: MethodDescriptor(service: "t.S", method: "M"), requestMetadata: [:], deadline: nil, peer: "test",
      logger: Logger(label: "test"))
    try await policy.run(context) { CommittedRevisions.current?.record(11) }
    #expect(policy.currentResponseFields(for: context).first?.0 == "clusterpool-revision")
    #expect(policy.currentResponseFields(for: context).first?.1 == "11")
    #expect(policy.currentResponseFields(for: read).first?.1 == "4", "a read reports the contiguous revision")
  }
}
