import Foundation
import Testing

@testable import ClusterPoolServer

/// ThreadCounters: each thread adds to its own block and a sum adds every block up, the
/// blocks of threads that have ended included.
struct ThreadCountersTests {
  @Test func sumsWhatEveryThreadAddedAfterTheThreadsEnded() {
    let counters = ThreadCounters(width: 3)
    let threads = 4, additions = 10_000
    let done = DispatchGroup()
    for thread in 0..<threads {
      done.enter()
      Thread.detachNewThread {
        let block = counters.block()
        for _ in 0..<additions {
          ThreadCounters.add(1, at: 0, of: block)
          ThreadCounters.add(UInt64(thread), at: 2, of: block)
        }
        #expect(counters.block() == block, "a thread's block is found again")
        done.leave()
      }
    }
    done.wait()
    #expect(counters.sum(0..<3) == [UInt64(threads * additions), 0, UInt64(additions * (0 + 1 + 2 + 3))])
    #expect(counters.sum(1..<3) == [0, UInt64(additions * 6)])
  }
}
