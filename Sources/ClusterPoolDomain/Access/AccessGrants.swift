/// What one identity may do in its organization: the actions of the roles its assignment gives
/// directly and of the roles its policies bind, on the organization or on single clusters.
/// Domain and project bindings grant nothing here (pools, clusters and queues are
/// organization-wide).
public struct AccessGrants: Sendable, Hashable {
  /// The actions held on the whole organization (and so on every cluster in it).
  public var organization: Set<AccessAction>
  /// The actions held on single clusters only, by cluster name.
  public var clusters: [String: Set<AccessAction>]

  public init(organization: Set<AccessAction> = [], clusters: [String: Set<AccessAction>] = [:]) {
    self.organization = organization
    self.clusters = clusters
  }

  /// The grants of `assignment` (nil: none): `role` and `policy` look names up (built-in ones
  /// included); names they do not know grant nothing.
  public init(assignment: Assignment?, role: (String) -> Role?, policy: (String) -> Policy?) {
    self.init()
    guard let assignment else { return }
    for name in assignment.roles { organization.formUnion(role(name)?.actions ?? []) }
    for binding in assignment.policies.flatMap({ policy($0)?.bindings ?? [] }) {
      guard let actions = role(binding.role)?.actions else { continue }
      switch binding.resource {
      case .organization: organization.formUnion(actions)
      case .cluster(let name): clusters[name, default: []].formUnion(actions)
      case .domain, .project: break
      }
    }
  }

  /// Whether `action` is held on the whole organization.
  public func allows(_ action: AccessAction) -> Bool { organization.contains(action) }

  /// Whether `action` is held on cluster `name` (an organization grant covers every cluster).
  public func allows(_ action: AccessAction, onCluster name: String) -> Bool {
    organization.contains(action) || clusters[name]?.contains(action) == true
  }

  /// The clusters on which `action` is held without an organization grant.
  public func clusters(granting action: AccessAction) -> Set<String> {
    Set(clusters.filter { $0.value.contains(action) }.keys)
  }
}
