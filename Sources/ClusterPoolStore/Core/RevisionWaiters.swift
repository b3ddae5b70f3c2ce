internal import Synchronization

/// Calls waiting until the store has applied a revision (read-your-writes across replicas):
/// each waiter is a suspended continuation, resumed by ``advance(to:)`` when a commit or an
/// applied change set raises the revision to its target, or by its deadline or cancellation.
/// Nothing polls, and a waiter holds no thread.
final class RevisionWaiters: Sendable {
  private enum Entry {
    /// Registered, not suspended yet.
    case pending
    /// Suspended until `target` is applied.
    case waiting(target: UInt64, CheckedContinuation<Bool, Never>)
    /// Cancelled before it suspended: resumed at once when it does.
    case cancelled
  }

  private struct State {
    /// The revision applied (as of the last ``advance(to:)``).
    var applied: UInt64
    var entries: [UInt64: Entry] = [:]
    var nextID: UInt64 = 0
    /// The lowest target of the waiting entries (`.max` when none), so that a commit with no
    /// waiter due does not scan them.
    var lowestTarget: UInt64 = .max
  }

  private let state: Mutex<State>

  init(applied: UInt64) {
    state = Mutex(State(applied: applied))
  }

  /// Number of suspended waiters (for tests and logs).
  var count: Int {
    state.withLock { $0.entries.values.count { if case .waiting = $0 { true } else { false } } }
  }

  /// Records that `revision` is applied and resumes the waiters it satisfies.
  func advance(to revision: UInt64) {
    let due = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
      state.applied = max(state.applied, revision)
      guard state.lowestTarget <= state.applied else { return [] }
      var due: [CheckedContinuation<Bool, Never>] = []
      var lowest = UInt64.max
      for (id, entry) in state.entries {
        guard case .waiting(let target, let continuation) = entry else { continue }
        if target <= state.applied {
          due.append(continuation)
          state.entries[id] = nil
        } else {
          lowest = min(lowest, target)
        }
      }
      state.lowestTarget = lowest
      return due
    }
    for continuation in due { continuation.resume(returning: true) }
  }

  /// Waits until `target` is applied (`true`), `deadline` passes or the task is cancelled
  /// (`false`).
  func wait(for target: UInt64, until deadline: ContinuousClock.Instant) async -> Bool {
    if state.withLock({ $0.applied >= target }) { return true }
    return await withTaskGroup(of: Bool.self) { group in
      group.addTask { await self.suspend(until: target) }
      group.addTask {
        // Cancelled (when the revision arrives first) or at the deadline: false either way.
        try? await Task.sleep(until: deadline, clock: .continuous)
        return false
      }
      let first = await group.next() ?? false
      group.cancelAll()
      return first
    }
  }

  /// Suspends until `target` is applied (`true`) or the task is cancelled (`false`); a
  /// cancelled waiter is removed at once.
  private func suspend(until target: UInt64) async -> Bool {
    let id = state.withLock { state -> UInt64 in
      state.nextID += 1
      state.entries[state.nextID] = .pending
      return state.nextID
    }
    return await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        let outcome = state.withLock { state -> Bool? in
          if case .cancelled = state.entries[id] {
            state.entries[id] = nil
            return false
          }
          if state.applied >= target {
            state.entries[id] = nil
            return true
          }
          state.entries[id] = .waiting(target: target, continuation)
          state.lowestTarget = min(state.lowestTarget, target)
          return nil
        }
        if let outcome { continuation.resume(returning: outcome) }
      }
    } onCancel: {
      let continuation = state.withLock { state -> CheckedContinuation<Bool, Never>? in
        switch state.entries[id] {
        case .waiting(_, let continuation):
          state.entries[id] = nil
          return continuation
        case .pending:
          state.entries[id] = .cancelled
          return nil
        case .cancelled, nil:  // already resumed
          return nil
        }
      }
      continuation?.resume(returning: false)
    }
  }
}
