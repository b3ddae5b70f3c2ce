/// Where a binding grants its role. Pools, clusters and queues are organization-wide, so
/// only an organization binding or a cluster binding grants anything on them; domain and
/// project bindings are stored and listed as given.
public enum AccessResource: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The whole organization (the policy's).
  case organization
  /// One cluster of the organization.
  case cluster(String)
  /// A domain (e.g. `development`).
  case domain(String)
  /// A project of a domain.
  case project(domain: String, name: String)

  public var description: String {
    switch self {
    case .organization: "the organization"
    case .cluster(let name): "cluster \(name)"
    case .domain(let name): "domain \(name)"
    case .project(let domain, let name): "project \(name) of domain \(domain)"
    }
  }
}

/// One grant of a policy: a role (of the policy's organization) on a resource.
public struct PolicyBinding: Sendable, Hashable, Codable, CustomStringConvertible {
  public var role: String
  public var resource: AccessResource

  public init(role: String, resource: AccessResource) {
    self.role = role
    self.resource = resource
  }

  public var description: String { "role \(role) on \(resource)" }
}

/// A policy: a named set of bindings of one organization, given to identities by
/// assignments. The built-in policies (``BuiltInRoles/policy(_:in:createdAt:)``) are read-only.
public struct Policy: Sendable, Hashable, Codable {
  public var organization: Organization
  public var name: String
  public var description: String
  /// The bindings, each once, in the order added.
  public var bindings: [PolicyBinding]
  public var builtIn: Bool
  public var authorship: Authorship

  public init(
    organization: Organization, name: String, description: String = "", bindings: [PolicyBinding], builtIn: Bool = false,
    authorship: Authorship
  ) {
    self.organization = organization
    self.name = name
    self.description = description
    var seen = Set<PolicyBinding>()
    self.bindings = bindings.filter { seen.insert($0).inserted }
    self.builtIn = builtIn
    self.authorship = authorship
  }

  /// The key of its store row.
  public var key: AccessKey { AccessKey(.policy, organization, name) }
}
