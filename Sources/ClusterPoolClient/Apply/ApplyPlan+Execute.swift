extension ApplyPlan {
  /// Makes the changes in order, calling `progress` with a line after each (`created
  /// cluster-pool prod`). Stops at the first failure: the changes before it are made, the
  /// ones after it are not (apply again once the cause is fixed: the plan then holds only
  /// what is left). Drains and cluster deletions wait up to `waitLimit` each.
  public func execute(
    client: ControlPlaneClient, waitLimit: Duration = .seconds(300), progress: (String) -> Void = { _ in }
  ) async throws(ApplyFailure) {
    for (index, change) in changes.enumerated() {
      for step in change.steps {
        do {
          try await step.run(client: client, waitLimit: waitLimit)
        } catch {
          throw ApplyFailure(change: change, step: step.name, reason: "\(error)", applied: index, remaining: changes.count - index)
        }
      }
      progress(change.doneLine)
    }
  }
}

extension ApplyChange {
  /// `created cluster-pool prod`, `moved cluster c1 to pool staging`.
  var doneLine: String {
    switch action {
    case .create: "created \(kind.noun) \(name)"
    case .update: "updated \(kind.noun) \(name)"
    case .delete: "deleted \(kind.noun) \(name)"
    case .move:
      if case .createCluster(_, let pool)? = steps.last { "moved \(kind.noun) \(name) to pool \(pool)" } else { "moved \(kind.noun) \(name)" }
    }
  }
}

/// A change the server refused (or a wait that ran out) while a plan was applied.
public struct ApplyFailure: Error, Sendable, Hashable, CustomStringConvertible {
  /// The change that failed.
  public var change: ApplyChange
  /// The call of it that failed (`create`, `drain`, `delete`, ...).
  public var step: String
  /// Why: the server's status and message, or the wait that ran out.
  public var reason: String
  /// How many changes were made before it.
  public var applied: Int
  /// How many were not made (this one included).
  public var remaining: Int

  /// `cannot update queue gpu (update): FAILED_PRECONDITION: ...; 3 changes made, 2 not`.
  public var description: String {
    "cannot \(change.summary) (\(step)): \(reason); \(applied) change\(applied == 1 ? "" : "s") made before it, "
      + "\(remaining) not made"
  }
}
