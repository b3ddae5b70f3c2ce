import Testing

@testable import ClusterPoolDomain

/// Every state × request × (reported or not) × generation guard of the cluster lifecycle,
/// against a table written out by hand from rules.md.
@Suite struct ClusterLifecycleTests {
  let name = ResourceName(unchecked: "prod-us-east-1")

  enum Outcome: Equatable {
    case becomes(ClusterState)
    case unchanged
    case fails(DomainError.Code)
  }

  enum Kind: CaseIterable { case drain, activate, delete, undelete, alive, busy, idle, silent }

  /// The expected outcome of an unguarded request (or a guard that matches).
  func expected(_ state: ClusterState, _ kind: Kind, reported: Bool) -> Outcome {
    switch (state, kind) {
    case (.deleted, .undelete): .becomes(.drained)
    case (_, .undelete): .fails(.notFound)
    case (.deleting, .silent): .becomes(.deleted)
    case (_, .silent): .unchanged
    case (.deleted, _): .fails(.notFound)
    case (.active, .drain): .becomes(reported ? .draining : .drained)
    case (.draining, .drain), (.drained, .drain): .unchanged
    case (.deleting, .drain), (.deleting, .activate): .fails(.failedPrecondition)
    case (.active, .activate): .unchanged
    case (.draining, .activate), (.drained, .activate): .becomes(.active)
    case (.active, .delete), (.draining, .delete): .becomes(reported ? .deleting : .deleted)
    case (.drained, .delete): .becomes(.deleted)
    case (.deleting, .delete): .unchanged
    case (.draining, .idle): .becomes(.drained)
    case (.deleting, .idle): .becomes(.deleted)
    case (_, .alive), (_, .busy), (_, .idle): .unchanged
    }
  }

  func request(_ kind: Kind, guard expected: UInt64?) -> ClusterLifecycleRequest {
    switch kind {
    case .drain: .drain(expectedGeneration: expected)
    case .activate: .activate(expectedGeneration: expected)
    case .delete: .delete(expectedGeneration: expected)
    case .undelete: .undelete
    case .alive: .report(.alive)
    case .busy: .report(.busy)
    case .idle: .report(.idle)
    case .silent: .silentPastTimeout
    }
  }

  func outcome(_ before: ClusterLifecycle, _ request: ClusterLifecycleRequest) -> (Outcome, ClusterLifecycle?) {
    do {
      let after = try before.applying(request, name: name)
      if after.state == before.state {
        #expect(after.generation == before.generation, "no state change must keep the generation")
        return (.unchanged, after)
      }
      #expect(after.generation == before.generation + 1, "a state change increments the generation")
      return (.becomes(after.state), after)
    } catch {
      return (.fails(error.code), nil)
    }
  }

  @Test(arguments: ClusterState.allCases, [false, true])
  func everyRequestInEveryState(state: ClusterState, reported: Bool) {
    let before = ClusterLifecycle(state: state, generation: 7, hasReported: reported)
    for kind in Kind.allCases {
      let want = expected(state, kind, reported: reported)
      for guardValue in [nil, UInt64(7)] {
        let (got, after) = outcome(before, request(kind, guard: guardValue))
        #expect(got == want, "\(state) reported=\(reported) \(kind) guard=\(String(describing: guardValue))")
        if [.alive, .busy, .idle].contains(kind), let after { #expect(after.hasReported) }
        if [.drain, .activate, .delete, .silent].contains(kind), let after { #expect(after.hasReported == reported) }
      }
    }
  }

  @Test(arguments: ClusterState.allCases, [false, true])
  func staleGenerationIsAbortedUnlessDeleted(state: ClusterState, reported: Bool) {
    let before = ClusterLifecycle(state: state, generation: 7, hasReported: reported)
    for kind in [Kind.drain, .activate, .delete] {
      for stale in [UInt64(6), 8] {
        let (got, _) = outcome(before, request(kind, guard: stale))
        #expect(got == .fails(state == .deleted ? .notFound : .aborted), "\(state) \(kind) guard=\(stale)")
      }
    }
  }

  @Test func seedMoveSequence() throws {
    var cluster = ClusterLifecycle.registered
    #expect(cluster.state == .active && cluster.generation == 1 && cluster.isLive)
    cluster = try cluster.applying(.report(.busy), name: name)
    cluster = try cluster.applying(.drain(expectedGeneration: 1), name: name)
    #expect(cluster.state == .draining && cluster.generation == 2)
    cluster = try cluster.applying(.report(.idle), name: name)
    #expect(cluster.state == .drained && cluster.generation == 3)
    cluster = try cluster.applying(.delete(expectedGeneration: 3), name: name)
    #expect(cluster.state == .deleted && !cluster.isLive)
  }

  /// Issue 9.8: a cluster that ever reported leaves DRAINING and DELETING on a zero-load
  /// report, DELETING also on silence; a report with load left keeps it where it is.
  @Test func reportingClustersLeaveDrainingAndDeletingBySignal() throws {
    let busy = ExecutionLoad(activeExecutions: 0, activeNodeExecutions: 0, activeTaskExecutions: 1)
    var cluster = try ClusterLifecycle.registered.applying(.report(.alive), name: name)
    cluster = try cluster.applying(.drain(expectedGeneration: nil), name: name)
    #expect(cluster.state == .draining)
    cluster = try cluster.applying(.report(DataPlaneReport(load: busy)), name: name)
    cluster = try cluster.applying(.report(DataPlaneReport(load: nil)), name: name)
    #expect(cluster.state == .draining && cluster.generation == 2)
    cluster = try cluster.applying(.report(DataPlaneReport(load: ExecutionLoad())), name: name)
    #expect(cluster.state == .drained && cluster.generation == 3)
    cluster = try cluster.applying(.activate(expectedGeneration: 3), name: name)
    cluster = try cluster.applying(.delete(expectedGeneration: 4), name: name)
    #expect(cluster.state == .deleting && cluster.generation == 5)
    #expect(try cluster.applying(.report(.busy), name: name).state == .deleting)
    #expect(try cluster.applying(.report(.idle), name: name).state == .deleted)
    let silent = try cluster.applying(.silentPastTimeout, name: name)
    #expect(silent.state == .deleted && silent.generation == 6 && !silent.isLive)
    #expect(try silent.applying(.silentPastTimeout, name: name) == silent)
  }

  @Test func executionLoadIsIdleOnlyWithAllThreeCountsZero() {
    #expect(DataPlaneReport(load: nil) == .alive)
    #expect(DataPlaneReport(load: ExecutionLoad()) == .idle)
    for counts in [(1, 0, 0), (0, 1, 0), (0, 0, 1), (3, 2, 1), (-1, 0, 0)] as [(Int64, Int64, Int64)] {
      let load = ExecutionLoad(activeExecutions: counts.0, activeNodeExecutions: counts.1, activeTaskExecutions: counts.2)
      #expect(DataPlaneReport(load: load) == .busy && !load.isZero, "\(counts)")
    }
  }

  @Test func onlyOneOfManyDrainsWithTheSameGenerationWins() {
    var cluster = ClusterLifecycle(state: .active, generation: 4, hasReported: true)
    var wins = 0
    var aborted = 0
    for _ in 0..<50 {
      do {
        cluster = try cluster.applying(.drain(expectedGeneration: 4), name: name)
        wins += 1
      } catch {
        if error.code == .aborted { aborted += 1 }
      }
    }
    #expect(wins == 1 && aborted == 49)
  }
}
