internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

/// `cloudidl.identity.PolicyService`: built-in and custom policies and their bindings.
extension IdentityServices {
  func registerPolicies(in registry: MethodRegistry) {
    let service = "cloudidl.identity.PolicyService"
    registry.unary(
      Self.method(service, "CreatePolicy"), Cloudidl.Identity.CreatePolicyRequest.self, Cloudidl.Identity.CreatePolicyResponse.self
    ) { request, _ in
      guard let message = request.policy else {
        throw RPCError(code: .invalidArgument, message: "policy is required: its id, bindings and description")
      }
      let (organization, name) = try policyID(message.id)
      let policy = try mappingDomainErrors { () throws(DomainError) in
        var bindings: [PolicyBinding] = []
        for binding in message.bindings { bindings.append(try IdentityMessages.binding(binding, organization)) }
        return Policy(
          organization: organization, name: name, description: message.description, bindings: bindings,
          authorship: Authorship(at: Timestamp(nanosecondsSinceEpoch: 0), by: CallScope.actor(configuration.callerIdentity)))
      }
      try checkDelegable(actions(bound: policy.bindings, in: organization), in: organization, "creating policy \"\(name)\"")
      _ = try await write { store, actor throws(DomainError) in try await store.createPolicy(policy, by: actor) }
      return .init()
    }
    registry.unary(
      Self.method(service, "CreatePolicyBinding"), Cloudidl.Identity.CreatePolicyBindingRequest.self,
      Cloudidl.Identity.CreatePolicyBindingResponse.self
    ) { request, _ in
      try await changeBinding(request.id, request.binding, adding: true)
      return .init()
    }
    registry.unary(
      Self.method(service, "DeletePolicyBinding"), Cloudidl.Identity.DeletePolicyBindingRequest.self,
      Cloudidl.Identity.DeletePolicyBindingResponse.self
    ) { request, _ in
      try await changeBinding(request.id, request.binding, adding: false)
      return .init()
    }
    registry.inline(Self.method(service, "GetPolicy"), Cloudidl.Identity.GetPolicyRequest.self, Cloudidl.Identity.GetPolicyResponse.self) {
      request, _ in
      let (organization, name) = try policyID(request.id)
      guard let policy = store.snapshot().policy(organization, name) else {
        throw RPCError(code: .notFound, message: "policy \"\(name)\" does not exist in organization \"\(organization)\"")
      }
      return .init(policy: IdentityMessages.policy(policy))
    }
    registry.unary(
      Self.method(service, "DeletePolicy"), Cloudidl.Identity.DeletePolicyRequest.self, Cloudidl.Identity.DeletePolicyResponse.self
    ) { request, _ in
      let (organization, name) = try policyID(request.id)
      try await write { store, actor throws(DomainError) in try await store.deletePolicy(organization, name, by: actor) }
      return .init()
    }
    registry.inline(Self.method(service, "List"), Cloudidl.Identity.ListPoliciesRequest.self, Cloudidl.Identity.ListPoliciesResponse.self) {
      request, _ in
      let organization = try organization(request.organization)
      let policies = store.snapshot().policies(in: organization).sorted { $0.name < $1.name }
      let (page, token) = IdentityPage.page(policies, name: \.name, request.request)
      return .init(policies: page.map(IdentityMessages.policy), token: token)
    }
  }

  /// The organization and name of a policy identifier.
  func policyID(_ id: Cloudidl.Common.PolicyIdentifier?) throws(RPCError) -> (Organization, String) {
    guard let id, !id.name.isEmpty else { throw RPCError(code: .invalidArgument, message: "id.name (the policy's name) is required") }
    return (try organization(id.organization == "None" ? "" : id.organization), id.name)
  }

  func changeBinding(_ id: Cloudidl.Common.PolicyIdentifier?, _ message: Cloudidl.Common.PolicyBinding?, adding: Bool)
    async throws(RPCError)
  {
    let (organization, name) = try policyID(id)
    let binding = try mappingDomainErrors { () throws(DomainError) in try IdentityMessages.binding(message, organization) }
    if adding { try checkDelegable(actions(bound: [binding], in: organization), in: organization, "binding \(binding) in policy \"\(name)\"") }
    _ = try await write { store, actor throws(DomainError) in
      try await store.changeBinding(organization, policy: name, binding, adding: adding, by: actor)
    }
  }
}
