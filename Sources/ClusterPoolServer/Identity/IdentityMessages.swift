internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

/// Conversions between the identity and access messages and the domain's values.
enum IdentityMessages {
  static func timestamp(_ time: Timestamp) -> Google.Protobuf.Timestamp { .init(seconds: time.seconds, nanos: time.nanos) }

  static func role(_ role: Role) -> Cloudidl.Common.Role {
    let organization = role.organization.name
    let actions = role.actions.map { Cloudidl.Common.Action(rawValue: $0.rawValue) }
    return Cloudidl.Common.Role(
      id: .init(organization: organization, name: role.name),
      permissions: [.init(resource: .init(resource: .organization(.init(name: organization))), actions: actions)],
      roleSpec: .init(description: role.description), roleType: .init(rawValue: role.kind.rawValue), actions: actions)
  }

  static func policy(_ policy: Policy) -> Cloudidl.Common.Policy {
    let organization = policy.organization.name
    return Cloudidl.Common.Policy(
      id: .init(organization: organization, name: policy.name),
      bindings: policy.bindings.map { binding($0, organization) }, description: policy.description)
  }

  static func binding(_ binding: PolicyBinding, _ organization: String) -> Cloudidl.Common.PolicyBinding {
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

  /// The domain binding of a wire one in `organization` (its role and resource must name no other).
  static func binding(_ message: Cloudidl.Common.PolicyBinding?, _ organization: Organization) throws(DomainError) -> PolicyBinding {
    guard let message, let roleID = message.roleId else { throw .init(.invalidArgument, "a binding needs role_id (the role's name)") }
    try sameOrganization(roleID.organization, organization, "the binding's role_id")
    guard let resource = message.resource?.resource else {
      throw .init(.invalidArgument, "a binding needs a resource: the organization, a cluster, a domain or a project")
    }
    let bound: AccessResource
    switch resource {
    case .organization(let org):
      try sameOrganization(org.name, organization, "the binding's resource")
      bound = .organization
    case .cluster(let cluster):
      try sameOrganization(cluster.organization, organization, "the binding's cluster")
      bound = .cluster(cluster.name)
    case .domain(let domain):
      try sameOrganization(domain.organization?.name ?? "", organization, "the binding's domain")
      bound = .domain(domain.name)
    case .project(let project):
      try sameOrganization(project.domain?.organization?.name ?? "", organization, "the binding's project")
      bound = .project(domain: project.domain?.name ?? "", name: project.name)
    case .workflow, .launchPlan:
      throw .init(.invalidArgument, "bindings on workflows and launch plans are not supported: bind the organization, a cluster, a domain or a project")
    }
    return PolicyBinding(role: roleID.name, resource: bound)
  }

  /// Refuses a nested organization other than the request's (empty and `None` mean the request's).
  static func sameOrganization(_ named: String, _ organization: Organization, _ what: String) throws(DomainError) {
    guard named.isEmpty || named == "None" || named == organization.name else {
      throw .init(.invalidArgument, "\(what) names organization \"\(named)\", not \"\(organization)\": name the same one or none")
    }
  }

  static func app(_ app: App, secret: String = "") -> Cloudidl.Identity.App {
    let r = app.registration
    return Cloudidl.Identity.App(
      organization: app.organization.name, clientId: app.clientID, clientIdIssuedAt: timestamp(app.authorship.createdAt),
      redirectUris: r.redirectURIs, responseTypes: r.responseTypes.map { .init(rawValue: $0) },
      grantTypes: r.grantTypes.map { .init(rawValue: $0) }, applicationType: .init(rawValue: r.applicationType),
      contacts: r.contacts, clientName: r.clientName, logoUri: r.logoURI, clientUri: r.clientURI, policyUri: r.policyURI,
      tosUri: r.tosURI, jwksUri: r.jwksURI, tokenEndpointAuthMethod: .init(rawValue: r.tokenEndpointAuthMethod),
      clientSecret: secret, profile: nil)
  }

  static func user(_ user: User, assignment: Assignment?, roles: (String) -> Role?, policies: (String) -> Policy?)
    -> Cloudidl.Common.User
  {
    let p = user.profile
    return Cloudidl.Common.User(
      id: .init(subject: user.subject),
      spec: .init(
        firstName: p.firstName, lastName: p.lastName, email: p.email, organization: user.organization.name,
        userHandle: p.userHandle, groups: p.groups, photoUrl: p.photoURL),
      roles: (assignment?.roles ?? []).compactMap(roles).map(role),
      policies: (assignment?.policies ?? []).compactMap(policies).map(policy))
  }

  /// The domain identity of a wire one: a user or an application (external identities are not
  /// stored here).
  static func identity(_ message: Cloudidl.Common.Identity?) throws(DomainError) -> Identity {
    switch message?.principal {
    case .userId(let id)?: return .user(subject: try AccessName.validateSubject(id.subject))
    case .applicationId(let id)?: return .application(subject: try AccessName.validate(id.subject, kind: "application"))
    case .externalIdentity?:
      throw .init(.invalidArgument, "external identities cannot be assigned here: name a user_id or an application_id")
    case nil: throw .init(.invalidArgument, "identity is required: a user_id (subject) or an application_id (client id)")
    }
  }

  static func identity(_ identity: Identity) -> Cloudidl.Common.Identity {
    switch identity {
    case .user(let subject): .init(principal: .userId(.init(subject: subject)))
    case .application(let subject): .init(principal: .applicationId(.init(subject: subject)))
    }
  }
}
