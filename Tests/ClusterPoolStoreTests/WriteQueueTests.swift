import ClusterPoolDomain
import Testing

@testable import ClusterPoolStore

/// The write queue hands a transaction that holds some organizations' locks the writes queued
/// meanwhile that touch only those, in their order, and leaves the others queued in theirs.
@Suite struct WriteQueueTests {
  static func write(_ organizations: [Organization], _ label: String) -> PendingWrite {
    PendingWrite(organizations: organizations, reads: RowKeys(), apply: { _ in { _ in _ = label } }, fail: { _ in })
  }

  @Test func takeWithinLockedOrganizationsKeepsTheOthersInOrder() async throws {
    let globex = try Organization(validating: "globex")
    let queue = WriteQueue()
    let writes = [
      Self.write([acme], "a1"), Self.write([globex], "g1"), Self.write([acme, globex], "ag"), Self.write([acme], "a2"),
      Self.write([globex], "g2"),
    ]
    for write in writes { #expect(queue.enqueue(write)) }
    let taken = queue.take(limit: 10, within: [acme])
    #expect(taken.map(\.organizations) == [[acme], [acme]])
    #expect(queue.take(limit: 0, within: [acme, globex]).isEmpty)
    let capped = queue.take(limit: 1, within: [acme, globex])
    #expect(capped.map(\.organizations) == [[globex]])
    let rest = await queue.next(limit: 10)
    #expect(rest?.map(\.organizations) == [[acme, globex], [globex]])
  }
}
