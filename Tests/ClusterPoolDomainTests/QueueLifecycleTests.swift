import Testing

@testable import ClusterPoolDomain

/// Every state × request × (cluster-managed, the organization's `default`, or another queue)
/// × generation guard of the queue lifecycle, against a table written out by hand from
/// rules.md.
@Suite struct QueueLifecycleTests {
  let name = ResourceName(unchecked: "gpu-batch")

  /// The kinds of queue whose rules differ (a cluster's implicit queue is never `default`).
  enum Role: CaseIterable { case own, managed, defaultQueue }

  enum Outcome: Equatable {
    case becomes(QueueState)
    case unchanged
    case fails(DomainError.Code)
  }

  enum Kind: CaseIterable { case drain, activate, delete, undelete, update, move, clusterDeleted, clusterUndeleted }

  func expected(_ state: QueueState, _ kind: Kind, role: Role) -> Outcome {
    let managed = role == .managed
    return switch (state, kind) {
    case (_, .clusterDeleted) where !managed, (_, .clusterUndeleted) where !managed: .fails(.internalError)
    case (.deleted, .clusterDeleted): .unchanged
    case (_, .clusterDeleted): .becomes(.deleted)
    case (.deleted, .clusterUndeleted): .becomes(.active)
    case (_, .clusterUndeleted): .unchanged
    case (.deleted, .undelete): managed ? .fails(.failedPrecondition) : .becomes(.drained)
    case (_, .undelete): .fails(.notFound)
    case (.deleted, _): .fails(.notFound)
    case _ where managed: .fails(.failedPrecondition)
    case (_, .delete) where role == .defaultQueue, (_, .move) where role == .defaultQueue: .fails(.failedPrecondition)
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

  func outcome(_ before: QueueLifecycle, _ request: QueueLifecycleRequest, name: ResourceName? = nil) -> Outcome {
    do {
      let after = try before.applying(request, name: name ?? self.name)
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

  @Test(arguments: QueueState.allCases, Role.allCases)
  func everyRequestInEveryState(state: QueueState, role: Role) {
    let before = QueueLifecycle(state: state, generation: 3, clusterManaged: role == .managed)
    let queueName = role == .defaultQueue ? ResourceName.defaultName : name
    for kind in Kind.allCases {
      for guardValue in [nil, UInt64(3)] {
        let got = outcome(before, request(kind, guard: guardValue), name: queueName)
        #expect(got == expected(state, kind, role: role), "\(state) \(role) \(kind) guard=\(String(describing: guardValue))")
      }
    }
  }

  @Test(arguments: QueueState.allCases)
  func staleGenerationIsAborted(state: QueueState) {
    let before = QueueLifecycle(state: state, generation: 3)
    for kind in [Kind.drain, .activate, .delete] {
      let got = outcome(before, request(kind, guard: 2))
      #expect(got == .fails(state == .deleted ? .notFound : .aborted), "\(state) \(kind)")
      // the default queue: a drain or activate with a stale guard is ABORTED, a delete is never possible
      let onDefault = outcome(before, request(kind, guard: 2), name: .defaultName)
      let wanted: Outcome = state == .deleted ? .fails(.notFound) : kind == .delete ? .fails(.failedPrecondition) : .fails(.aborted)
      #expect(onDefault == wanted, "default \(state) \(kind)")
    }
  }

  @Test func defaultQueueDrainsAndActivatesButIsNeverDeletedNorMoved() throws {
    var queue = QueueLifecycle()
    queue = try queue.applying(.drain(expectedGeneration: 1), name: .defaultName)
    #expect(queue.state == .drained && queue.generation == 2)
    do {
      _ = try queue.applying(.delete(expectedGeneration: 2), name: .defaultName)
      Issue.record("the default queue was deleted")
    } catch {
      #expect(error.code == .failedPrecondition && error.message.contains("queue \"default\" cannot be deleted"))
    }
    do {
      _ = try queue.applying(.update(changesPool: true), name: .defaultName)
      Issue.record("the default queue was moved")
    } catch {
      #expect(error.code == .failedPrecondition && error.message.contains("stays in cluster pool \"default\""))
    }
    #expect(try queue.applying(.update(changesPool: false), name: .defaultName) == queue)
    queue = try queue.applying(.activate(expectedGeneration: 2), name: .defaultName)
    #expect(queue.state == .active && queue.generation == 3)
    // a default queue deleted before this rule existed can still be undeleted
    let legacy = QueueLifecycle(state: .deleted, generation: 5)
    #expect(try legacy.applying(.undelete, name: .defaultName).state == .drained)
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
