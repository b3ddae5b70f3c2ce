internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import ClusterPoolStore
internal import RPCCore

/// `cloudidl.identity.UserService` and `cloudidl.identity.MemberService`.
extension IdentityServices {
  func registerUsers(in registry: MethodRegistry) {
    let service = "cloudidl.identity.UserService"
    registry.unary(Self.method(service, "CreateUser"), Cloudidl.Identity.CreateUserRequest.self, Cloudidl.Identity.CreateUserResponse.self) {
      request, _ in
      guard let spec = request.spec else { throw RPCError(code: .invalidArgument, message: "spec is required: at least the email") }
      let organization = try organization(spec.organization == "None" ? "" : spec.organization)
      let profile = UserProfile(
        firstName: spec.firstName, lastName: spec.lastName, email: spec.email, userHandle: spec.userHandle, groups: spec.groups,
        photoURL: spec.photoUrl)
      let user = try await write { store, actor throws(DomainError) in try await store.createUser(organization, profile, by: actor) }
      return .init(id: .init(subject: user.subject))
    }
    registry.inline(Self.method(service, "GetUser"), Cloudidl.Identity.GetUserRequest.self, Cloudidl.Identity.GetUserResponse.self) {
      request, _ in
      let organization = CallScope.organization(configuration.defaultOrganization)
      let subject = request.id?.subject ?? ""
      let snapshot = store.snapshot()
      guard let user = snapshot.user(organization, subject: subject) else {
        throw RPCError(code: .notFound, message: "user \"\(subject)\" does not exist in organization \"\(organization)\"")
      }
      return .init(user: Self.user(user, snapshot))
    }
    registry.unary(Self.method(service, "DeleteUser"), Cloudidl.Identity.DeleteUserRequest.self, Cloudidl.Identity.DeleteUserResponse.self) {
      request, _ in
      let organization = try organization(request.organization == "None" ? "" : request.organization)
      let subject = request.id?.subject ?? ""
      try await write { store, actor throws(DomainError) in try await store.deleteUser(organization, subject: subject, by: actor) }
      return .init()
    }
    registry.inline(Self.method(service, "ListUsers"), Cloudidl.Identity.ListUsersRequest.self, Cloudidl.Identity.ListUsersResponse.self) {
      request, _ in
      let organization = try organization(request.organization == "None" ? "" : request.organization)
      let snapshot = store.snapshot()
      var users = snapshot.users(in: organization)
      for filter in request.request?.filters ?? [] {
        guard filter.field == "email", filter.function == .equal else {
          throw RPCError(code: .invalidArgument, message: "users can be filtered by email (EQUAL) only, not by \(filter.field)")
        }
        let emails = Set(filter.values.map { $0.lowercased() })
        users = users.filter { emails.contains($0.profile.email.lowercased()) }
      }
      if let role = request.roleId, !role.name.isEmpty {
        users = users.filter { snapshot.assignment(organization, $0.identity)?.roles.contains(role.name) == true }
      }
      let (page, token) = IdentityPage.page(users, name: \.subject, request.request)
      return .init(
        users: page.map { request.excludeIdentityAssignments ? Self.user($0, nil) : Self.user($0, snapshot) }, token: token,
        count: Int64(users.count))
    }
  }

  func registerMembers(in registry: MethodRegistry) {
    registry.inline(
      Self.method("cloudidl.identity.MemberService", "ListMembers"), Cloudidl.Identity.ListMembersRequest.self,
      Cloudidl.Identity.ListMembersResponse.self
    ) { request, _ in
      let organization = try organization(request.organization == "None" ? "" : request.organization)
      let snapshot = store.snapshot()
      let users = snapshot.users(in: organization).map { Cloudidl.Common.EnrichedIdentity(principal: .user(Self.user($0, nil))) }
      let apps = snapshot.apps(in: organization).map { app in
        Cloudidl.Common.EnrichedIdentity(
          principal: .application(
            .init(id: .init(subject: app.clientID), spec: .init(name: app.registration.clientName, organization: organization.name))))
      }
      return .init(members: users + apps)
    }
  }

  /// A user with the roles and policies of its assignment (none without a snapshot).
  static func user(_ user: User, _ snapshot: StoreSnapshot?) -> Cloudidl.Common.User {
    let organization = user.organization
    return IdentityMessages.user(
      user, assignment: snapshot?.assignment(organization, user.identity), roles: { snapshot?.role(organization, $0) },
      policies: { snapshot?.policy(organization, $0) })
  }
}
