import ClusterPoolDomain
import Foundation
import Testing

@testable import ClusterPoolStore

/// `PoolStore.waitForRevision`: resumed by the commit (or applied change set) that reaches
/// the revision, ended by its deadline or by cancellation, with no waiter left behind.
@Suite struct RevisionWaitTests {
  /// Waits (up to 30 s) until `condition` holds; the waiters register asynchronously.
  static func eventually(_ what: String, _ condition: () -> Bool) async throws {
    let end = ContinuousClock.now + .seconds(30)
    while !condition() {
      guard ContinuousClock.now < end else { throw Failure("timed out waiting until \(what)") }
      try await Task.sleep(for: .milliseconds(2))
    }
  }

  struct Failure: Error, CustomStringConvertible { var description: String; init(_ d: String) { description = d } }

  static func far() -> ContinuousClock.Instant { .now + .seconds(60) }

  @Test(arguments: StoreKind.allCases)
  func aRevisionAlreadyAppliedAnswersAtOnce(_ kind: StoreKind) async throws {
    try await kind.with { store in
      _ = try await store.execute(.create(key("east"), config(), sentMembers: []), by: alice)
      let revision = store.revision
      try await store.waitForRevision(revision, until: .now)  // a deadline already passed: no wait needed
      try await store.waitForRevision(0, until: .now)
      #expect(store.revisionWaiterCount == 0)
    }
  }

  @Test(arguments: StoreKind.allCases)
  func aCommitResumesTheWaiter(_ kind: StoreKind) async throws {
    try await kind.with { store in
      let target = store.revision + 1
      let waiter = Task { try await store.waitForRevision(target, until: Self.far()) }
      try await Self.eventually("the waiter is registered") { store.revisionWaiterCount == 1 }
      _ = try await store.execute(.create(key("east"), config(), sentMembers: []), by: alice)
      try await waiter.value
      #expect(store.revision >= target)
      #expect(store.revisionWaiterCount == 0)
    }
  }

  @Test func anAppliedChangeSetResumesTheWaiter() async throws {
    try await StoreKind.memory.with { store in
      let target = store.revision + 5
      let waiter = Task { try await store.waitForRevision(target, until: Self.far()) }
      try await Self.eventually("the waiter is registered") { store.revisionWaiterCount == 1 }
      store.apply(ChangeSet(revision: target - 1))
      try await Task.sleep(for: .milliseconds(20))
      #expect(store.revisionWaiterCount == 1, "revision \(target - 1) is short of \(target)")
      store.apply(ChangeSet(revision: target))
      try await waiter.value
      #expect(store.revision == target)
    }
  }

  @Test func theDeadlineEndsTheWaitWithTheRevisions() async throws {
    try await StoreKind.memory.with { store in
      let applied = store.revision
      let start = ContinuousClock.now
      await #expect(throws: RevisionNotApplied(applied: applied, needed: applied + 1)) {
        try await store.waitForRevision(applied + 1, until: start + .milliseconds(100))
      }
      let elapsed = ContinuousClock.now - start
      #expect(elapsed >= .milliseconds(100) && elapsed < .seconds(20), "ended after \(elapsed)")
      #expect(store.revisionWaiterCount == 0)
    }
  }

  @Test func manyWaitersResumeAsTheirRevisionsArrive() async throws {
    try await StoreKind.memory.with { store in
      let base = store.revision
      let count = 2_000
      try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<count {
          let target = base + 1 + UInt64(index % 2)
          group.addTask { try await store.waitForRevision(target, until: Self.far()) }
        }
        try await Self.eventually("every waiter is registered") { store.revisionWaiterCount == count }
        store.apply(ChangeSet(revision: base + 1))
        try await Self.eventually("the first half resumed") { store.revisionWaiterCount == count / 2 }
        for _ in 0..<(count / 2) { try await group.next() }
        #expect(store.revisionWaiterCount == count / 2)
        _ = try await store.execute(.create(key("east"), config(), sentMembers: []), by: alice)
        try await group.waitForAll()
      }
      #expect(store.revisionWaiterCount == 0)
    }
  }

  @Test func cancellingAWaitingCallRemovesItsWaiter() async throws {
    try await StoreKind.memory.with { store in
      let target = store.revision + 1
      let waiter = Task { try await store.waitForRevision(target, until: Self.far()) }
      try await Self.eventually("the waiter is registered") { store.revisionWaiterCount == 1 }
      waiter.cancel()
      await #expect(throws: CancellationError.self) { try await waiter.value }
      #expect(store.revisionWaiterCount == 0)
      // a commit after the cancellation resumes nothing and breaks nothing
      _ = try await store.execute(.create(key("east"), config(), sentMembers: []), by: alice)
      #expect(store.revision >= target)
    }
  }

  @Test func aTaskCancelledBeforeItWaitsEndsAtOnce() async throws {
    try await StoreKind.memory.with { store in
      let target = store.revision + 1
      let waiter = Task {
        withUnsafeCurrentTask { $0?.cancel() }
        try await store.waitForRevision(target, until: Self.far())
      }
      await #expect(throws: CancellationError.self) { try await waiter.value }
      #expect(store.revisionWaiterCount == 0)
    }
  }
}
