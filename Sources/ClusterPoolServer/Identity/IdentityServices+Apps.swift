internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

/// `cloudidl.identity.AppsService`: API keys (client-credentials applications).
extension IdentityServices {
  func registerApps(in registry: MethodRegistry) {
    let service = "cloudidl.identity.AppsService"
    registry.unary(Self.method(service, "Create"), Cloudidl.Identity.CreateAppRequest.self, Cloudidl.Identity.CreateAppResponse.self) {
      request, _ in
      let organization = try organization(request.organization)
      let registration = Self.registration(
        clientName: request.clientName, request.redirectUris, request.responseTypes, request.grantTypes, request.applicationType,
        request.contacts, request.logoUri, request.clientUri, request.policyUri, request.tosUri, request.jwksUri,
        request.tokenEndpointAuthMethod)
      let policy = request.skipDefaultPolicyAssignments ? nil : configuration.defaultAppPolicy
      if let policy {
        try checkDelegable(
          actions(of: .policy(policy), in: organization), in: organization,
          "creating API key \"\(request.clientId.prefix(128))\" with the default policy \"\(policy)\" "
            + "(skip_default_policy_assignments creates it without)")
      }
      let (app, secret) = try await write { store, actor throws(DomainError) in
        try await store.createApp(organization, clientID: request.clientId, registration, defaultPolicy: policy, by: actor)
      }
      return .init(app: IdentityMessages.app(app, secret: secret))
    }
    registry.inline(Self.method(service, "Get"), Cloudidl.Identity.GetAppRequest.self, Cloudidl.Identity.GetAppResponse.self) {
      request, _ in
      let organization = try organization(request.organization)
      guard let app = store.snapshot().app(organization, clientID: request.clientId) else {
        throw RPCError(code: .notFound, message: "app \"\(request.clientId)\" does not exist in organization \"\(organization)\"")
      }
      return .init(app: IdentityMessages.app(app))
    }
    registry.unary(Self.method(service, "Update"), Cloudidl.Identity.UpdateAppRequest.self, Cloudidl.Identity.UpdateAppResponse.self) {
      request, _ in
      let organization = try organization(request.organization)
      let registration = Self.registration(
        clientName: request.clientName, request.redirectUris, request.responseTypes, request.grantTypes, request.applicationType,
        request.contacts, request.logoUri, request.clientUri, request.policyUri, request.tosUri, request.jwksUri,
        request.tokenEndpointAuthMethod)
      let app = try await write { store, actor throws(DomainError) in
        try await store.updateApp(organization, clientID: request.clientId, registration, by: actor)
      }
      return .init(app: IdentityMessages.app(app))
    }
    registry.unary(Self.method(service, "Delete"), Cloudidl.Identity.DeleteAppRequest.self, Cloudidl.Identity.DeleteAppResponse.self) {
      request, _ in
      let organization = try organization(request.organization)
      try await write { store, actor throws(DomainError) in try await store.deleteApp(organization, clientID: request.clientId, by: actor) }
      return .init()
    }
    registry.inline(Self.method(service, "List"), Cloudidl.Identity.ListAppsRequest.self, Cloudidl.Identity.ListAppsResponse.self) {
      request, _ in
      let organization = try organization(request.organization)
      let (apps, token) = IdentityPage.page(store.snapshot().apps(in: organization), name: \.clientID, request.request)
      return .init(apps: apps.map { IdentityMessages.app($0) }, token: token)
    }
  }

  static func registration(
    clientName: String, _ redirectURIs: [String], _ responseTypes: [Cloudidl.Identity.ResponseTypes],
    _ grantTypes: [Cloudidl.Identity.GrantTypes], _ applicationType: Cloudidl.Identity.ApplicationType, _ contacts: [String],
    _ logoURI: String, _ clientURI: String, _ policyURI: String, _ tosURI: String, _ jwksURI: String,
    _ method: Cloudidl.Identity.TokenEndpointAuthMethod
  ) -> AppRegistration {
    var registration = AppRegistration()
    registration.clientName = clientName
    registration.redirectURIs = redirectURIs
    registration.responseTypes = responseTypes.map(\.rawValue)
    registration.grantTypes = grantTypes.map(\.rawValue)
    registration.applicationType = applicationType.rawValue
    registration.contacts = contacts
    registration.logoURI = logoURI
    registration.clientURI = clientURI
    registration.policyURI = policyURI
    registration.tosURI = tosURI
    registration.jwksURI = jwksURI
    registration.tokenEndpointAuthMethod = method.rawValue
    return registration
  }
}
