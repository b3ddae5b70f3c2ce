internal import ClusterPoolProto

/// The roles and policies given to one identity of the organization
/// (`cloudidl.authorizer.AuthorizerService`).
public struct Assignment: Sendable, Hashable {
  /// Who: a user (by subject) or an application (an API key, by client id).
  public enum Identity: Sendable, Hashable, CustomStringConvertible {
    case user(String)
    case application(String)

    public var subject: String {
      switch self {
      case .user(let subject), .application(let subject): subject
      }
    }

    public var kind: String {
      switch self {
      case .user: "user"
      case .application: "application"
      }
    }

    public var description: String { "\(kind) \(subject)" }

    var proto: Cloudidl.Common.Identity {
      switch self {
      case .user(let subject): .init(principal: .userId(.init(subject: subject)))
      case .application(let subject): .init(principal: .applicationId(.init(subject: subject)))
      }
    }

    init?(proto: Cloudidl.Common.Identity?) {
      switch proto?.principal {
      case .userId(let id)?: self = .user(id.subject)
      case .applicationId(let id)?: self = .application(id.subject)
      default: return nil
      }
    }
  }

  public var identity: Identity
  public var roles: [String]
  public var policies: [String]

  typealias Service = Cloudidl.Authorizer.AuthorizerService

  init?(proto: Cloudidl.Authorizer.IdentityAssignment) {
    guard let identity = Identity(proto: proto.identity) else { return nil }
    self.identity = identity
    roles = proto.roles.compactMap { $0.id?.name }
    policies = proto.policies.compactMap { $0.id?.name }
  }

  /// Gives `identity` the policy `policy`.
  public static func create(_ identity: Identity, policy: String, client: ControlPlaneClient? = nil) async throws {
    let client = try ControlPlaneClient.resolve(client)
    let org = client.organization
    _ = try await client.call(
      Service.AssignIdentity.method,
      Cloudidl.Authorizer.AssignIdentityRequest(
        organization: org, identity: identity.proto, assignment: .policyId(.init(organization: org, name: policy))),
      returning: Cloudidl.Authorizer.AssignIdentityResponse.self)
  }

  /// Takes the policy `policy` from `identity`.
  public static func delete(_ identity: Identity, policy: String, client: ControlPlaneClient? = nil) async throws {
    let client = try ControlPlaneClient.resolve(client)
    let org = client.organization
    _ = try await client.call(
      Service.UnassignIdentity.method,
      Cloudidl.Authorizer.UnassignIdentityRequest(
        organization: org, identity: identity.proto, assignment: .policyId(.init(organization: org, name: policy))),
      returning: Cloudidl.Authorizer.UnassignIdentityResponse.self)
  }

  /// What `identity` is given; `NOT_FOUND` when it does not exist.
  public static func get(_ identity: Identity, client: ControlPlaneClient? = nil) async throws -> Assignment {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.GetIdentityAssignments.method,
      Cloudidl.Authorizer.GetIdentityAssignmentRequest(identity: identity.proto, organization: client.organization),
      returning: Cloudidl.Authorizer.GetIdentityAssignmentResponse.self)
    return response.identityAssignment.flatMap(Assignment.init(proto:)) ?? Assignment(identity: identity, roles: [], policies: [])
  }

  init(identity: Identity, roles: [String], policies: [String]) {
    self.identity = identity
    self.roles = roles
    self.policies = policies
  }

  /// Every assignment of the organization.
  public static func listAll(client: ControlPlaneClient? = nil) async throws -> [Assignment] {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.ListIdentityAssignments.method,
      Cloudidl.Authorizer.ListIdentityAssignmentsRequest(organization: client.organization),
      returning: Cloudidl.Authorizer.ListIdentityAssignmentsResponse.self)
    return response.identityAssignments.compactMap(Assignment.init(proto:))
  }

  /// The members of the organization: its users and applications, with a name to read.
  public static func members(client: ControlPlaneClient? = nil) async throws -> [(identity: Identity, name: String)] {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Cloudidl.Identity.MemberService.ListMembers.method, Cloudidl.Identity.ListMembersRequest(organization: client.organization),
      returning: Cloudidl.Identity.ListMembersResponse.self)
    return response.members.compactMap { member in
      switch member.principal {
      case .user(let user)?:
        let name = [user.spec?.firstName ?? "", user.spec?.lastName ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
        return (.user(user.id?.subject ?? ""), name.isEmpty ? user.spec?.email ?? "" : name)
      case .application(let app)?:
        return (.application(app.id?.subject ?? ""), app.spec?.name ?? "")
      case nil:
        return nil
      }
    }
  }
}
