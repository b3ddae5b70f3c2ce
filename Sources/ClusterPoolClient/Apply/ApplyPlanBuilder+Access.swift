extension ApplyPlanBuilder {
  mutating func planRoles() {
    for document in declared(.role) {
      guard case .role(let description, let actions) = document.object else { continue }
      let name = document.name
      guard let role = current.roles[name] else {
        changes.append(
          .init(
            .create, .role, name, fields: ["actions: [\(actions.joined(separator: ", "))]"], place: document.place,
            steps: [.createRole(name, description: description, actions: actions)]))
        continue
      }
      let added = Set(actions).subtracting(role.actions).sorted(), removed = Set(role.actions).subtracting(actions).sorted()
      guard !added.isEmpty || !removed.isEmpty else { continue }
      guard role.roleType == Self.customRole else {
        problems.append(.init(document.place, "role \(name) is built in and read-only: its actions cannot change"))
        continue
      }
      changes.append(
        .init(
          .update, .role, name, fields: added.map { "actions: + \($0)" } + removed.map { "actions: - \($0)" },
          place: document.place, steps: [.updateRole(name, actions: actions)]))
    }
  }

  mutating func planPolicies() {
    for document in declared(.policy) {
      guard case .policy(let description, let bindings) = document.object else { continue }
      let name = document.name
      guard let policy = current.policies[name] else {
        changes.append(
          .init(
            .create, .policy, name, fields: bindings.map { "bindings: + \($0.role) on \($0.resource)" }, place: document.place,
            steps: [.createPolicy(name, description: description, bindings: bindings)]))
        continue
      }
      let added = bindings.filter { !policy.bindings.contains($0) }, removed = policy.bindings.filter { !bindings.contains($0) }
      guard !added.isEmpty || !removed.isEmpty else { continue }
      guard !Self.builtInPolicies.contains(name) else {
        problems.append(.init(document.place, "policy \(name) is built in and read-only: its bindings cannot change"))
        continue
      }
      changes.append(
        .init(
          .update, .policy, name,
          fields: added.map { "bindings: + \($0.role) on \($0.resource)" } + removed.map { "bindings: - \($0.role) on \($0.resource)" },
          place: document.place, steps: [.updatePolicy(name, bindings: bindings)]))
    }
  }

  mutating func planAssignments() {
    for document in declared(.assignment) {
      guard case .assignment(let identity, let policies) = document.object else { continue }
      let held = current.assignments[document.name]?.policies ?? []
      let added = policies.filter { !held.contains($0) }, removed = held.filter { !policies.contains($0) }
      guard !added.isEmpty || !removed.isEmpty else { continue }
      changes.append(
        .init(
          current.assignments[document.name] == nil ? .create : .update, .assignment, document.name,
          fields: added.map { "policies: + \($0)" } + removed.map { "policies: - \($0)" }, place: document.place,
          steps: added.map { .assign(identity, policy: $0) } + removed.map { .unassign(identity, policy: $0) }))
    }
  }
}
