/// Roles, policies and assignments as the YAML documents `flyte apply` reads (`kind: Role`,
/// `Policy`, `Assignment`): one document for one object, a `---` stream for a list. Read-only
/// keys (`organization`, a role's `role_type`, an assignment's `roles`) are accepted and
/// ignored by apply.
public enum IdentityDocument {
  /// Roles: `name`, `description`, `actions`, then `organization` and `role_type`.
  public static func yaml(_ roles: [Role], list: Bool) throws -> String {
    try render(roles.map(value), list: list)
  }

  /// Policies: `name`, `description`, `bindings` (each a `role` and, unless it is the
  /// organization, a `resource` of `cluster`, `domain`, or `project` with its `domain`).
  public static func yaml(_ policies: [Policy], list: Bool) throws -> String {
    try render(policies.map(value), list: list)
  }

  /// Assignments: `user` or `application` (the subject), `policies`, then `roles`.
  public static func yaml(_ assignments: [Assignment], list: Bool) throws -> String {
    try render(assignments.map(value), list: list)
  }

  private static func render(_ values: [DocumentValue], list: Bool) throws -> String {
    if !list, let one = values.first, values.count == 1 { return try one.yaml() }
    return try DocumentValue.yamlStream(values)
  }

  static func value(_ role: Role) -> DocumentValue {
    .kinded(
      "Role",
      .object([
        ("name", .string(role.name)), ("description", .string(role.description)),
        ("actions", .array(role.actions.map(DocumentValue.string))), ("organization", .string(role.organization)),
        ("role_type", .string(role.roleType)),
      ]))
  }

  static func value(_ policy: Policy) -> DocumentValue {
    let bindings = policy.bindings.map { binding -> DocumentValue in
      var fields: [(String, DocumentValue)] = [("role", .string(binding.role))]
      switch binding.resource {
      case .organization: break
      case .cluster(let name): fields.append(("resource", .object([("cluster", .string(name))])))
      case .domain(let name): fields.append(("resource", .object([("domain", .string(name))])))
      case .project(let domain, let name):
        fields.append(("resource", .object([("project", .string(name)), ("domain", .string(domain))])))
      }
      return .object(fields)
    }
    return .kinded(
      "Policy",
      .object([
        ("name", .string(policy.name)), ("description", .string(policy.description)), ("bindings", .array(bindings)),
        ("organization", .string(policy.organization)),
      ]))
  }

  static func value(_ assignment: Assignment) -> DocumentValue {
    .kinded(
      "Assignment",
      .object([
        (assignment.identity.kind, .string(assignment.identity.subject)),
        ("policies", .array(assignment.policies.map(DocumentValue.string))),
        ("roles", .array(assignment.roles.map(DocumentValue.string))),
      ]))
  }
}
