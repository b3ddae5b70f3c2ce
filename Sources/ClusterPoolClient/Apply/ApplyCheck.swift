/// What the server said of one change of a dry run (``ApplyPlan/check(client:)``).
public struct ApplyCheck: Sendable, Hashable {
  /// The server's verdict.
  public enum Outcome: Sendable, Hashable {
    /// The server ran the change's calls whole and would have made them.
    case accepted
    /// The server refused a call: its status and message, as the committed call would have.
    case rejected(String)
    /// Not sent: the change needs an earlier change of the plan made first (a pool created
    /// before its clusters, a cluster drained before it is deleted), which a dry run does not
    /// make.
    case notChecked(String)
  }

  /// The change.
  public var change: ApplyChange
  /// What the server said.
  public var outcome: Outcome
}

extension ApplyPlan {
  /// Sends every change to the server as a dry run (`client` must be a dry-run client, see
  /// ``ControlPlaneClient/dryRunClient()``): the server runs each call whole and rolls it
  /// back, so nothing is written. A change that depends on an earlier change of the plan (the
  /// pool it names is created by the plan; its later calls need its first one made: a drain
  /// before a delete, a deletion before a re-registration) is checked only as far as it can
  /// be: its first call when that does not depend on the plan, else not at all.
  public func check(client: ControlPlaneClient) async throws(ClientError) -> [ApplyCheck] {
    guard client.isDryRun else {
      throw ClientError(code: .internalError, message: "ApplyPlan.check needs a dry-run client (dryRunClient())")
    }
    try client.requireDryRunSupport()
    var checks: [ApplyCheck] = []
    var touched: Set<String> = []  // kind/name of every object an earlier change creates, moves or deletes
    var deleting = false
    for change in changes {
      defer {
        touched.insert("\(change.kind.rawValue)/\(change.name)")
        if change.action == .delete { deleting = true }
      }
      if let reason = dependency(of: change, touched: touched, deleting: deleting) {
        checks.append(.init(change: change, outcome: .notChecked(reason)))
        continue
      }
      let checked = change.steps.count == 1 ? change.steps : Array(change.steps.prefix(1))
      var outcome = ApplyCheck.Outcome.accepted
      for step in checked {
        do {
          try await step.run(client: client, waitLimit: .zero)
        } catch let error as ApplyWaitError {
          _ = error  // a dry run changes no state: there is nothing to wait for
        } catch {
          outcome = .rejected("\(error)")
          break
        }
      }
      if case .accepted = outcome, change.steps.count > 1 {
        let rest = change.steps.dropFirst().map(\.name).joined(separator: ", ")
        outcome = .notChecked("the server accepts its \(change.steps[0].name); the rest (\(rest)) needs that made first")
      }
      checks.append(.init(change: change, outcome: outcome))
    }
    return checks
  }

  /// Why `change` cannot be sent in a dry run after the changes before it, or `nil`.
  private func dependency(of change: ApplyChange, touched: Set<String>, deleting: Bool) -> String? {
    var needs: [(ApplyKind, String)] = []
    for step in change.steps {
      switch step {
      case .createCluster(_, let pool): needs.append((.clusterPool, pool))
      case .createQueue(_, let spec), .updateQueue(_, let spec):
        needs.append((.clusterPool, spec.clusterPoolName))
        needs += spec.clusters.map { (.cluster, $0) }
      case .createPolicy(_, _, let bindings), .updatePolicy(_, let bindings): needs += bindings.map { (.role, $0.role) }
      case .assign(_, let policy): needs.append((.policy, policy))
      case .deletePool where deleting: return "its clusters and queues are deleted by the plan first"
      default: break
      }
    }
    guard let (kind, name) = needs.first(where: { touched.contains("\($0.0.rawValue)/\($0.1)") }) else { return nil }
    return "it needs \(kind.noun) \(name), which the plan changes first"
  }

  /// The dry run's report: the plan with each change's verdict under it, then a count.
  public static func renderedChecks(_ checks: [ApplyCheck]) -> String {
    var lines: [String] = []
    for check in checks {
      let change = check.change
      lines.append("\(change.action.mark) \(change.summary)\(change.place.map { "  (\($0))" } ?? "")")
      lines += change.fields.map { "    \($0)" }
      switch check.outcome {
      case .accepted: lines.append("    accepted by the server")
      case .rejected(let reason):
        lines.append("    REJECTED: " + reason.split(separator: "\n").joined(separator: "\n      "))
      case .notChecked(let reason): lines.append("    not checked: \(reason)")
      }
    }
    let rejected = checks.filter { if case .rejected = $0.outcome { true } else { false } }.count
    let accepted = checks.filter { $0.outcome == .accepted }.count
    let unchecked = checks.count - rejected - accepted
    lines.append(
      "Dry run: \(rejected) rejected, \(accepted) accepted, \(unchecked) not checked; nothing was written.")
    return lines.joined(separator: "\n") + "\n"
  }
}
