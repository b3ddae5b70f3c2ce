import Synchronization
import Testing

@testable import RPCHTTP2
import RPCTestSupport

/// The reply budget's bookkeeping, without a socket: per-connection room, the server-wide
/// total, the line of waiting streams and the wake-up across connections.
@Suite struct ReplyBudgetTests {
  @Test func roomIsBoundedPerConnectionAndInTotal() {
    let shared = SharedReplyBudget(limit: 100)
    var a = ConnectionReplyBudget(limit: 60, shared: shared)
    var b = ConnectionReplyBudget(limit: 60, shared: shared)
    #expect(a.hasRoom(queued: 59))
    #expect(!a.hasRoom(queued: 60))  // its own limit
    a.report(queued: 59)
    #expect(shared.queued == 59)
    #expect(b.hasRoom(queued: 40))
    #expect(!b.hasRoom(queued: 41))  // its unreported 41 and a's 59 reach the total
    #expect(b.lacksSharedRoom(queued: 41))
    b.report(queued: 30)
    a.close()
    #expect(shared.queued == 30)
    a.report(queued: 10)  // a closed connection reports nothing more
    #expect(shared.queued == 30)
    b.close()
    #expect(shared.queued == 0)
  }

  @Test func waitingStreamsLeaveInOrderWhileThereIsRoom() {
    let shared = SharedReplyBudget(limit: 1000)
    var budget = ConnectionReplyBudget(limit: 10, shared: shared)
    budget.wait(5)
    budget.wait(3)
    budget.wait(9)
    #expect(budget.isWaiting)
    #expect(budget.next(queued: 10) == nil)
    #expect(budget.next(queued: 9) == 5)
    #expect(budget.next(queued: 0) == 3)
    #expect(budget.next(queued: 0) == 9)
    #expect(budget.next(queued: 0) == nil && !budget.isWaiting)
  }

  @Test func freeingBytesWakesWaitingConnectionsOnce() {
    let shared = SharedReplyBudget(limit: 100)
    let woken = Counter()
    shared.add(150)
    shared.notifyWhenRoom { woken.increment() }
    shared.notifyWhenRoom { woken.increment() }
    #expect(woken.value == 0)
    shared.add(-40)  // 110: still no room
    #expect(woken.value == 0)
    shared.add(-20)  // 90
    #expect(woken.value == 2)
    shared.add(-10)
    #expect(woken.value == 2)
    // registering while there is room wakes at once (no lost wake-up)
    shared.notifyWhenRoom { woken.increment() }
    #expect(woken.value == 3)
  }
}

private final class Counter: Sendable {
  private let count = Atomic<Int>(0)
  var value: Int { count.load(ordering: .relaxed) }
  func increment() { count.add(1, ordering: .relaxed) }
}
