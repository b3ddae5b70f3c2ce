internal import ClusterPoolProto

/// A policy of the organization: bindings, each a role on a resource
/// (`cloudidl.identity.PolicyService`). `admin`, `contributor` and `viewer` are built in.
public struct Policy: Sendable, Hashable {
  /// Where a binding grants its role.
  public enum Resource: Sendable, Hashable, CustomStringConvertible {
    case organization
    case cluster(String)
    case domain(String)
    case project(domain: String, name: String)

    public var description: String {
      switch self {
      case .organization: "organization"
      case .cluster(let name): "cluster \(name)"
      case .domain(let name): "domain \(name)"
      case .project(let domain, let name): "project \(name) (domain \(domain))"
      }
    }
  }

  /// A role granted on a resource.
  public struct Binding: Sendable, Hashable {
    public var role: String
    public var resource: Resource

    public init(role: String, resource: Resource = .organization) {
      self.role = role
      self.resource = resource
    }
  }

  public var name: String
  public var organization: String
  public var description: String
  public var bindings: [Binding]

  typealias Service = Cloudidl.Identity.PolicyService

  init(proto policy: Cloudidl.Common.Policy) {
    name = policy.id?.name ?? ""
    organization = policy.id?.organization ?? ""
    description = policy.description
    bindings = policy.bindings.map { binding in
      let resource: Resource =
        switch binding.resource?.resource {
        case .cluster(let id)?: .cluster(id.name)
        case .domain(let domain)?: .domain(domain.name)
        case .project(let project)?: .project(domain: project.domain?.name ?? "", name: project.name)
        default: .organization
        }
      return Binding(role: binding.roleId?.name ?? "", resource: resource)
    }
  }

  static func proto(_ binding: Binding, _ organization: String) -> Cloudidl.Common.PolicyBinding {
    let org = Cloudidl.Common.Organization(name: organization)
    let resource: Cloudidl.Common.Resource.Resource =
      switch binding.resource {
      case .organization: .organization(org)
      case .cluster(let name): .cluster(.init(organization: organization, name: name))
      case .domain(let name): .domain(.init(name: name, organization: org))
      case .project(let domain, let name): .project(.init(name: name, domain: .init(name: domain, organization: org)))
      }
    return .init(roleId: .init(organization: organization, name: binding.role), resource: .init(resource: resource))
  }

  /// Creates a policy with `bindings`.
  public static func create(_ name: String, description: String = "", bindings: [Binding], client: ControlPlaneClient? = nil)
    async throws
  {
    let client = try ControlPlaneClient.resolve(client)
    let org = client.organization
    let policy = Cloudidl.Common.Policy(
      id: .init(organization: org, name: name), bindings: bindings.map { proto($0, org) }, description: description)
    _ = try await client.call(Service.CreatePolicy.method, Cloudidl.Identity.CreatePolicyRequest(policy: policy),
      returning: Cloudidl.Identity.CreatePolicyResponse.self)
  }

  /// The policy `name`; `NOT_FOUND` when there is none.
  public static func get(_ name: String, client: ControlPlaneClient? = nil) async throws -> Policy {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.GetPolicy.method, Cloudidl.Identity.GetPolicyRequest(id: .init(organization: client.organization, name: name)),
      returning: Cloudidl.Identity.GetPolicyResponse.self)
    guard let policy = response.policy else {
      throw ClientError(code: .internalError, message: "the server's GetPolicy answer has no policy")
    }
    return Policy(proto: policy)
  }

  /// Every policy of the organization.
  public static func listAll(limit: Int? = nil, client: ControlPlaneClient? = nil) async throws -> [Policy] {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.List.method,
      Cloudidl.Identity.ListPoliciesRequest(organization: client.organization, request: .init(limit: UInt32(min(limit ?? 1000, 1000)))),
      returning: Cloudidl.Identity.ListPoliciesResponse.self)
    return response.policies.map(Policy.init(proto:))
  }

  /// Makes the policy hold exactly `bindings`: removes the others, adds the missing ones.
  public static func update(_ name: String, bindings: [Binding], client: ControlPlaneClient? = nil) async throws {
    let client = try ControlPlaneClient.resolve(client)
    let current = try await get(name, client: client).bindings
    let org = client.organization
    let id = Cloudidl.Common.PolicyIdentifier(organization: org, name: name)
    for binding in current where !bindings.contains(binding) {
      _ = try await client.call(
        Service.DeletePolicyBinding.method, Cloudidl.Identity.DeletePolicyBindingRequest(id: id, binding: proto(binding, org)),
        returning: Cloudidl.Identity.DeletePolicyBindingResponse.self)
    }
    for binding in bindings where !current.contains(binding) {
      _ = try await client.call(
        Service.CreatePolicyBinding.method, Cloudidl.Identity.CreatePolicyBindingRequest(id: id, binding: proto(binding, org)),
        returning: Cloudidl.Identity.CreatePolicyBindingResponse.self)
    }
  }

  /// Deletes a policy no identity is given.
  public static func delete(_ name: String, client: ControlPlaneClient? = nil) async throws {
    let client = try ControlPlaneClient.resolve(client)
    _ = try await client.call(
      Service.DeletePolicy.method, Cloudidl.Identity.DeletePolicyRequest(id: .init(organization: client.organization, name: name)),
      returning: Cloudidl.Identity.DeletePolicyResponse.self)
  }
}
