import Testing

@testable import ClusterPoolDomain

/// Every state × request × (cluster-managed or not) × generation guard of the queue
/// lifecycle, against a table written out by hand from rules.md.
@Suite struct QueueLifecycleTests {
  let name = ResourceName(unchecked: "gpu-batch")

  enum Outcome: Equatable {
    case becomes(QueueState)
    case unchanged
    case fails(DomainError.Code)
  }

  enum Kind: CaseIterable { case drain, activate, delete, undelete, update, move, clusterDeleted, clusterUndeleted }

  func expected(_ state: QueueState, _ kind: Kind, managed: Bool) -> Outcome {
    switch (state, kind) {
    case (_, .clusterDeleted) where !managed, (_, .clusterUndeleted) where !managed: .fails(.internalError)
    case (.deleted, .clusterDeleted): .unchanged
    case (_, .clusterDeleted): .becomes(.deleted)
    case (.deleted, .clusterUndeleted): .becomes(.active)
    case (_, .clusterUndeleted): .unchanged
    case (.deleted, .undelete): managed ? .fails(.failedPrecondition) : .becomes(.drained)
    case (_, .undelete): .fails(.notFound)
    case (.deleted, _): .fails(.notFound)
    case _ where managed: .fails(.failedPrecondition)
    case (_, .update): .unchanged
    case (.drained, .move): .unchanged
    case (_, .move): .fails(.failedPrecondition)
    case (.drained, .drain), (.active, .activate): .unchanged
    case (_, .drain): .becomes(.drained)
    case (_, .activate): .becomes(.active)
    case (.drained, .delete): .becomes(.deleted)
    case (_, .delete): .fails(.failedPrecondition)
    }
  }

  func request(_ kind: Kind, guard expected: UInt64?) -> QueueLifecycleRequest {
    switch kind {
    case .drain: .drain(expectedGeneration: expected)
    case .activate: .activate(expectedGeneration: expected)
    case .delete: .delete(expectedGeneration: expected)
    case .undelete: .undelete
    case .update: .update(changesPool: false)
    case .move: .update(changesPool: true)
    case .clusterDeleted: .clusterDeleted
    case .clusterUndeleted: .clusterUndeleted
    }
  }

  func outcome(_ before: QueueLifecycle, _ request: QueueLifecycleRequest) -> Outcome {
    do {
      let after = try before.applying(request, name: name)
      #expect(after.clusterManaged == before.clusterManaged)
      if after.state == before.state {
        #expect(after.generation == before.generation, "no state change must keep the generation")
        return .unchanged
      }
      #expect(after.generation == before.generation + 1, "a state change increments the generation")
      return .becomes(after.state)
    } catch {
      return .fails(error.code)
    }
  }

  @Test(arguments: QueueState.allCases, [false, true])
  func everyRequestInEveryState(state: QueueState, managed: Bool) {
    let before = QueueLifecycle(state: state, generation: 3, clusterManaged: managed)
    for kind in Kind.allCases {
      for guardValue in [nil, UInt64(3)] {
        let got = outcome(before, request(kind, guard: guardValue))
        #expect(got == expected(state, kind, managed: managed), "\(state) managed=\(managed) \(kind) guard=\(String(describing: guardValue))")
      }
    }
  }

  @Test(arguments: QueueState.allCases)
  func staleGenerationIsAborted(state: QueueState) {
    let before = QueueLifecycle(state: state, generation: 3)
    for kind in [Kind.drain, .activate, .delete] {
      let got = outcome(before, request(kind, guard: 2))
      #expect(got == .fails(state == .deleted ? .notFound : .aborted), "\(state) \(kind)")
    }
  }

  @Test func drainThenDeleteThenUndelete() throws {
    var queue = QueueLifecycle()
    queue = try queue.applying(.drain(expectedGeneration: 1), name: name)
    #expect(queue.state == .drained && queue.generation == 2)
    queue = try queue.applying(.delete(expectedGeneration: 2), name: name)
    #expect(queue.state == .deleted && !queue.isLive)
    queue = try queue.applying(.undelete, name: name)
    #expect(queue.state == .drained && queue.isLive)
  }
}
