internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

/// `cloudidl.identity.RoleService`: built-in and custom roles.
extension IdentityServices {
  func registerRoles(in registry: MethodRegistry) {
    let service = "cloudidl.identity.RoleService"
    registry.unary(Self.method(service, "CreateRole"), Cloudidl.Identity.CreateRoleRequest.self, Cloudidl.Identity.CreateRoleResponse.self) {
      request, _ in
      let role = try role(request.role)
      try checkDelegable(Set(role.actions), in: role.organization, "creating role \"\(role.name)\"")
      _ = try await write { store, actor throws(DomainError) in try await store.createRole(role, by: actor) }
      return .init()
    }
    registry.unary(Self.method(service, "UpdateRole"), Cloudidl.Identity.UpdateRoleRequest.self, Cloudidl.Identity.UpdateRoleResponse.self) {
      request, _ in
      let role = try role(request.role)
      let before = store.snapshot().role(role.organization, role.name)?.actions ?? []
      try checkDelegable(Set(role.actions).subtracting(before), in: role.organization, "updating role \"\(role.name)\"")
      _ = try await write { store, actor throws(DomainError) in try await store.updateRole(role, by: actor) }
      return .init()
    }
    registry.unary(
      Self.method(service, "CreateRoleAction"), Cloudidl.Identity.CreateRoleActionRequest.self,
      Cloudidl.Identity.CreateRoleActionResponse.self
    ) { request, _ in
      try await changeAction(request.id, request.action, adding: true)
      return .init()
    }
    registry.unary(
      Self.method(service, "DeleteRoleAction"), Cloudidl.Identity.DeleteRoleActionRequest.self,
      Cloudidl.Identity.DeleteRoleActionResponse.self
    ) { request, _ in
      try await changeAction(request.id, request.action, adding: false)
      return .init()
    }
    registry.inline(Self.method(service, "GetRole"), Cloudidl.Identity.GetRoleRequest.self, Cloudidl.Identity.GetRoleResponse.self) {
      request, _ in
      let (organization, name) = try roleID(request.id)
      guard let role = store.snapshot().role(organization, name) else {
        throw RPCError(code: .notFound, message: "role \"\(name)\" does not exist in organization \"\(organization)\"")
      }
      return .init(role: IdentityMessages.role(role))
    }
    registry.unary(Self.method(service, "DeleteRole"), Cloudidl.Identity.DeleteRoleRequest.self, Cloudidl.Identity.DeleteRoleResponse.self) {
      request, _ in
      let (organization, name) = try roleID(request.id)
      try await write { store, actor throws(DomainError) in try await store.deleteRole(organization, name, by: actor) }
      return .init()
    }
    registry.inline(Self.method(service, "List"), Cloudidl.Identity.ListRolesRequest.self, Cloudidl.Identity.ListRolesResponse.self) {
      request, _ in
      let organization = try organization(request.organization)
      let snapshot = store.snapshot()
      var roles = snapshot.roles(in: organization)
      if request.identity != nil {
        // the roles an identity holds: given directly or bound by its policies
        let identity = try mappingDomainErrors { () throws(DomainError) in try IdentityMessages.identity(request.identity) }
        let assignment = snapshot.assignment(organization, identity)
        let bound = Set((assignment?.policies ?? []).compactMap { snapshot.policy(organization, $0) }.flatMap { $0.bindings.map(\.role) })
        let held = Set(assignment?.roles ?? []).union(bound)
        roles = roles.filter { held.contains($0.name) }
      }
      let (page, token) = IdentityPage.page(roles.sorted { $0.name < $1.name }, name: \.name, request.request)
      return .init(roles: page.map(IdentityMessages.role), token: token)
    }
  }

  /// The organization and name of a role identifier.
  func roleID(_ id: Cloudidl.Common.RoleIdentifier?) throws(RPCError) -> (Organization, String) {
    guard let id, !id.name.isEmpty else { throw RPCError(code: .invalidArgument, message: "id.name (the role's name) is required") }
    return (try organization(id.organization == "None" ? "" : id.organization), id.name)
  }

  /// The domain role of a CreateRole or UpdateRole message: its actions and those of its
  /// permissions, each once.
  func role(_ message: Cloudidl.Common.Role?) throws(RPCError) -> Role {
    guard let message else { throw RPCError(code: .invalidArgument, message: "role is required: its id, role_spec and actions") }
    let (organization, name) = try roleID(message.id)
    return try mappingDomainErrors { () throws(DomainError) in
      var actions: [AccessAction] = []
      for action in message.actions + message.permissions.flatMap(\.actions) {
        actions.append(try AccessAction(validatingNumber: action.rawValue))
      }
      return Role(
        organization: organization, name: name, description: message.roleSpec?.description ?? "", actions: actions,
        authorship: Authorship(at: Timestamp(nanosecondsSinceEpoch: 0), by: CallScope.actor(configuration.callerIdentity)))
    }
  }

  func changeAction(_ id: Cloudidl.Common.RoleIdentifier?, _ action: Cloudidl.Common.Action, adding: Bool) async throws(RPCError) {
    let (organization, name) = try roleID(id)
    let action = try mappingDomainErrors { () throws(DomainError) in try AccessAction(validatingNumber: action.rawValue) }
    if adding { try checkDelegable([action], in: organization, "adding \(action) to role \"\(name)\"") }
    _ = try await write { store, actor throws(DomainError) in
      try await store.changeRoleAction(organization, role: name, action, adding: adding, by: actor)
    }
  }
}
