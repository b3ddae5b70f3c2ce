internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import ClusterPoolStore
internal import RPCCore

/// `cloudidl.authorizer.AuthorizerService`: the roles and policies given to identities.
extension IdentityServices {
  func registerAssignments(in registry: MethodRegistry) {
    let service = "cloudidl.authorizer.AuthorizerService"
    registry.unary(
      Self.method(service, "AssignIdentity"), Cloudidl.Authorizer.AssignIdentityRequest.self,
      Cloudidl.Authorizer.AssignIdentityResponse.self
    ) { request, _ in
      let (organization, identity, target) = try assignment(request.organization, request.identity, request.assignment)
      try checkDelegable(actions(of: target, in: organization), in: organization, "assigning \(target) to \(identity)")
      try await write { store, actor throws(DomainError) in try await store.assign(organization, identity, target, by: actor) }
      return .init()
    }
    registry.unary(
      Self.method(service, "UnassignIdentity"), Cloudidl.Authorizer.UnassignIdentityRequest.self,
      Cloudidl.Authorizer.UnassignIdentityResponse.self
    ) { request, _ in
      let assignment: Cloudidl.Authorizer.AssignIdentityRequest.Assignment? =
        switch request.assignment {
        case .roleId(let id)?: .roleId(id)
        case .policyId(let id)?: .policyId(id)
        case nil: nil
        }
      let (organization, identity, target) = try self.assignment(request.organization, request.identity, assignment)
      try await write { store, actor throws(DomainError) in try await store.unassign(organization, identity, target, by: actor) }
      return .init()
    }
    registry.inline(
      Self.method(service, "GetIdentityAssignments"), Cloudidl.Authorizer.GetIdentityAssignmentRequest.self,
      Cloudidl.Authorizer.GetIdentityAssignmentResponse.self
    ) { request, _ in
      let organization = try organization(request.organization == "None" ? "" : request.organization)
      let identity = try mappingDomainErrors { () throws(DomainError) in try IdentityMessages.identity(request.identity) }
      let snapshot = store.snapshot()
      let exists =
        switch identity {
        case .user(let subject): snapshot.user(organization, subject: subject) != nil
        case .application(let clientID): snapshot.app(organization, clientID: clientID) != nil
        }
      guard exists else {
        throw RPCError(code: .notFound, message: "\(identity) does not exist in organization \"\(organization)\"")
      }
      return .init(identityAssignment: Self.assignment(identity, snapshot.assignment(organization, identity), organization, snapshot))
    }
    registry.inline(
      Self.method(service, "ListIdentityAssignments"), Cloudidl.Authorizer.ListIdentityAssignmentsRequest.self,
      Cloudidl.Authorizer.ListIdentityAssignmentsResponse.self
    ) { request, _ in
      let organization = try organization(request.organization == "None" ? "" : request.organization)
      let snapshot = store.snapshot()
      var assignments = snapshot.assignments(in: organization)
      if !request.identities.isEmpty {
        var wanted = Set<Identity>()
        for message in request.identities {
          wanted.insert(try mappingDomainErrors { () throws(DomainError) in try IdentityMessages.identity(message) })
        }
        assignments = assignments.filter { wanted.contains($0.identity) }
      }
      return .init(identityAssignments: assignments.map { Self.assignment($0.identity, $0, organization, snapshot) })
    }
  }

  /// The organization, identity and role or policy of an AssignIdentity or UnassignIdentity.
  func assignment(
    _ requested: String, _ identity: Cloudidl.Common.Identity?, _ target: Cloudidl.Authorizer.AssignIdentityRequest.Assignment?
  ) throws(RPCError) -> (Organization, Identity, AssignmentTarget) {
    let organization = try organization(requested == "None" ? "" : requested)
    return try mappingDomainErrors { () throws(DomainError) in
      let identity = try IdentityMessages.identity(identity)
      switch target {
      case .roleId(let id)?:
        try IdentityMessages.sameOrganization(id.organization, organization, "role_id")
        return (organization, identity, .role(id.name))
      case .policyId(let id)?:
        try IdentityMessages.sameOrganization(id.organization, organization, "policy_id")
        return (organization, identity, .policy(id.name))
      case nil:
        throw DomainError(.invalidArgument, "name the role_id or the policy_id to assign")
      }
    }
  }

  static func assignment(_ identity: Identity, _ assignment: Assignment?, _ organization: Organization, _ snapshot: StoreSnapshot)
    -> Cloudidl.Authorizer.IdentityAssignment
  {
    Cloudidl.Authorizer.IdentityAssignment(
      identity: IdentityMessages.identity(identity),
      roles: (assignment?.roles ?? []).compactMap { snapshot.role(organization, $0) }.map(IdentityMessages.role),
      policies: (assignment?.policies ?? []).compactMap { snapshot.policy(organization, $0) }.map(IdentityMessages.policy))
  }
}
