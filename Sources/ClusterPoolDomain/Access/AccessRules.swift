/// The rules across identity and access objects: who holds an action, the no-lock-out rule,
/// and the checks of roles and bindings.
public enum AccessRules {
  /// The identities of an organization holding `action` on the organization: through a role
  /// given directly, or a policy binding a role on the organization. `role` and `policy` look
  /// names up (built-in ones included); names they do not know grant nothing.
  public static func holders(
    of action: AccessAction, assignments: [Assignment], role: (String) -> Role?, policy: (String) -> Policy?
  ) -> Set<Identity> {
    var holders = Set<Identity>()
    for assignment in assignments {
      let direct = assignment.roles.contains { role($0)?.grants(action) == true }
      let bound = assignment.policies.contains { name in
        policy(name)?.bindings.contains { $0.resource == .organization && role($0.role)?.grants(action) == true } == true
      }
      if direct || bound { holders.insert(assignment.identity) }
    }
    return holders
  }

  /// No lock-out: a change that leaves an organization without an identity holding
  /// `ACTION_MANAGE_PERMISSIONS`, when it had one, is FAILED_PRECONDITION (`change` says what
  /// was refused, e.g. `unassigning policy admin from app:ci`).
  public static func checkNotLockedOut(
    _ organization: Organization, before: Set<Identity>, after: Set<Identity>, change: String
  ) throws(DomainError) {
    guard !before.isEmpty, after.isEmpty else { return }
    let last = before.map(\.storageForm).sorted().joined(separator: ", ")
    throw DomainError(
      .failedPrecondition,
      "\(change) would leave organization \"\(organization)\" with no identity holding ACTION_MANAGE_PERMISSIONS "
        + "(now only \(last)): give it to another identity first")
  }

  /// Checks a custom role's name, description and actions before it is written.
  public static func checkRole(_ role: Role) throws(DomainError) {
    _ = try AccessName.validate(role.name, kind: "role")
    try TextRules.check(role.description, field: "role description", maxBytes: 1024)
    guard !BuiltInRoles.names.contains(role.name) else {
      throw DomainError(.alreadyExists, "role \"\(role.name)\" is built in: choose another name")
    }
  }

  /// Refuses a change of a built-in role or policy (FAILED_PRECONDITION).
  public static func refuseBuiltIn(_ kind: String, _ name: String, _ change: String) throws(DomainError) {
    guard BuiltInRoles.names.contains(name) else { return }
    throw DomainError(
      .failedPrecondition, "\(kind) \"\(name)\" is built in and read-only: \(change) a \(kind) of your own instead")
  }

  /// Checks a policy's name, description and bindings: each binding's role must exist
  /// (`roleExists`, built-in ones included), its resource name valid.
  public static func checkPolicy(_ policy: Policy, roleExists: (String) -> Bool) throws(DomainError) {
    _ = try AccessName.validate(policy.name, kind: "policy")
    try TextRules.check(policy.description, field: "policy description", maxBytes: 1024)
    guard policy.bindings.count <= 256 else { throw .invalid("policy has \(policy.bindings.count) bindings: at most 256") }
    for binding in policy.bindings { try checkBinding(binding, roleExists: roleExists) }
  }

  /// Checks one binding.
  public static func checkBinding(_ binding: PolicyBinding, roleExists: (String) -> Bool) throws(DomainError) {
    _ = try AccessName.validate(binding.role, kind: "role")
    guard roleExists(binding.role) else {
      throw DomainError(.notFound, "role \"\(binding.role)\" does not exist: create it first, or bind admin, contributor or viewer")
    }
    switch binding.resource {
    case .organization: break
    case .cluster(let name): _ = try ResourceName(validating: name, kind: "cluster")
    case .domain(let name): try checkScopeName(name, "domain")
    case .project(let domain, let name):
      try checkScopeName(domain, "domain")
      try checkScopeName(name, "project")
    }
  }

  private static func checkScopeName(_ name: String, _ kind: String) throws(DomainError) {
    if name.isEmpty { throw .invalid("a binding's \(kind) name is required") }
    try TextRules.check(name, field: "\(kind) name", maxBytes: 255)
  }

  /// Checks a user's profile: an email is required (it names a user created by CreateUser).
  public static func checkProfile(_ profile: UserProfile) throws(DomainError) {
    guard !profile.email.isEmpty else { throw .invalid("user email is required") }
    guard profile.email.contains("@") else { throw .invalid("user email \(ResourceName.quoted(profile.email)) is not an address") }
    _ = try AccessName.validateSubject(profile.email, kind: "user email")
    for (field, text) in [
      ("first_name", profile.firstName), ("last_name", profile.lastName), ("user_handle", profile.userHandle),
      ("photo_url", profile.photoURL),
    ] {
      try TextRules.check(text, field: field, maxBytes: 1024)
    }
    guard profile.groups.count <= 64 else { throw .invalid("groups has \(profile.groups.count) entries: at most 64") }
    for group in profile.groups { try TextRules.check(group, field: "group", maxBytes: 255) }
  }
}
