/// What kind of role: one of the built-in roles every organization has, or one of its own.
/// The numbers are the wire's (`cloudidl.common.RoleType`).
public enum RoleKind: Int32, Sendable, Hashable, Codable {
  case admin = 1
  case contributor = 2
  case viewer = 3
  case custom = 4
}

/// A role: a named set of actions of one organization. `admin`, `contributor` and `viewer`
/// are built in (``BuiltInRoles``), exist in every organization and are read-only.
public struct Role: Sendable, Hashable, Codable {
  /// Organization and name.
  public var organization: Organization
  public var name: String
  public var description: String
  /// The actions granted, each once, in wire order.
  public var actions: [AccessAction]
  public var kind: RoleKind
  public var authorship: Authorship

  public init(
    organization: Organization, name: String, description: String = "", actions: some Sequence<AccessAction>,
    kind: RoleKind = .custom, authorship: Authorship
  ) {
    self.organization = organization
    self.name = name
    self.description = description
    self.actions = Set(actions).sorted()
    self.kind = kind
    self.authorship = authorship
  }

  /// The key of its store row.
  public var key: AccessKey { AccessKey(.role, organization, name) }

  /// Whether it is one of the built-in roles.
  public var isBuiltIn: Bool { kind != .custom }

  /// Whether it grants `action`.
  public func grants(_ action: AccessAction) -> Bool { actions.contains(action) }
}

/// The roles every organization has, read-only: `admin` (every action), `contributor` (every
/// action but identity, access and account administration: ``AccessAction/administration``)
/// and `viewer` (the read actions: ``AccessAction/reads``). Each has a built-in policy of the
/// same name binding it on the organization, so that an identity can be given it directly.
public enum BuiltInRoles {
  public static let names = ["admin", "contributor", "viewer"]

  /// The built-in role `name` of `organization`; nil when `name` is no built-in role.
  /// `createdAt` is the store's creation time, so that it reads the same always.
  public static func role(_ name: String, in organization: Organization, createdAt: Timestamp) -> Role? {
    let authorship = Authorship(at: createdAt, by: .application(subject: "clusterpool-server"))
    switch name {
    case "admin":
      return Role(
        organization: organization, name: name, description: "Every action in the organization",
        actions: AccessAction.allCases, kind: .admin, authorship: authorship)
    case "contributor":
      return Role(
        organization: organization, name: name,
        description: "Every action but administering identities, access and the account",
        actions: AccessAction.allCases.filter { !AccessAction.administration.contains($0) }, kind: .contributor,
        authorship: authorship)
    case "viewer":
      return Role(
        organization: organization, name: name, description: "Read-only access",
        actions: AccessAction.allCases.filter(AccessAction.reads.contains), kind: .viewer, authorship: authorship)
    default:
      return nil
    }
  }

  /// Every built-in role of `organization`.
  public static func all(in organization: Organization, createdAt: Timestamp) -> [Role] {
    names.compactMap { role($0, in: organization, createdAt: createdAt) }
  }

  /// The built-in policy `name` (`admin`, `contributor`, `viewer`): the role of that name on
  /// the organization.
  public static func policy(_ name: String, in organization: Organization, createdAt: Timestamp) -> Policy? {
    guard let role = role(name, in: organization, createdAt: createdAt) else { return nil }
    return Policy(
      organization: organization, name: name, description: "The built-in role \(name) on the organization",
      bindings: [PolicyBinding(role: name, resource: .organization)], builtIn: true, authorship: role.authorship)
  }

  /// Every built-in policy of `organization`.
  public static func policies(in organization: Organization, createdAt: Timestamp) -> [Policy] {
    names.compactMap { policy($0, in: organization, createdAt: createdAt) }
  }
}
