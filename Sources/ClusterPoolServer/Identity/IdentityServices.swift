public import ClusterPoolDomain
internal import ClusterPoolProto
public import ClusterPoolStore
public import RPCCore

/// The identity and access services of the official client: `cloudidl.identity.AppsService`,
/// `RoleService`, `PolicyService`, `UserService`, `MemberService` and
/// `cloudidl.authorizer.AuthorizerService` (the methods of identity.md's table), over the
/// store's identity objects. Reads are served from the store's memory, writes await the
/// durable commit. Until authentication exists, an empty `organization` means the server's
/// default one, and every change is recorded as made by the configured caller.
public struct IdentityServices: Sendable {
  public static let serviceNames = [
    "cloudidl.identity.AppsService", "cloudidl.identity.RoleService", "cloudidl.identity.PolicyService",
    "cloudidl.identity.UserService", "cloudidl.identity.MemberService", "cloudidl.authorizer.AuthorizerService",
  ]

  /// What the services need besides their store.
  public struct Configuration: Sendable {
    /// The organization of requests that name none.
    public var defaultOrganization: Organization
    /// The identity recorded as the author of every change.
    public var callerIdentity: Identity
    /// The policy a new application is given unless its request skips it; nil for none.
    public var defaultAppPolicy: String?

    public init(
      defaultOrganization: Organization = try! Organization(validating: "default"),
      callerIdentity: Identity = .user(subject: "anonymous"), defaultAppPolicy: String? = "contributor"
    ) {
      self.defaultOrganization = defaultOrganization
      self.callerIdentity = callerIdentity
      self.defaultAppPolicy = defaultAppPolicy
    }
  }

  let store: any AccessStore
  let configuration: Configuration

  public init(store: any AccessStore, configuration: Configuration = .init()) {
    self.store = store
    self.configuration = configuration
  }

  /// Adds every method of the six services to `registry`.
  public func register(in registry: MethodRegistry) {
    registerApps(in: registry)
    registerRoles(in: registry)
    registerPolicies(in: registry)
    registerUsers(in: registry)
    registerMembers(in: registry)
    registerAssignments(in: registry)
  }

  static func method(_ service: String, _ name: String) -> MethodDescriptor { MethodDescriptor(service: service, method: name) }

  /// The organization a request means: the one named, or the default one when empty.
  func organization(_ requested: String) throws(RPCError) -> Organization {
    try CallScope.resolve(requested, fallback: configuration.defaultOrganization)
  }

  /// The organization of an object's identifier and of the request naming it, which must agree
  /// when both are given.
  func organization(_ inRequest: String, _ inIdentifier: String) throws(RPCError) -> Organization {
    if !inRequest.isEmpty, !inIdentifier.isEmpty, inRequest != inIdentifier {
      throw RPCError(
        code: .invalidArgument,
        message: "the request names organization \"\(inRequest)\" but its identifier \"\(inIdentifier)\": name one")
    }
    return try organization(inRequest.isEmpty ? inIdentifier : inRequest)
  }

  /// Runs a store write as the caller, mapping its rejection to the wire status.
  func write<T: Sendable>(_ body: @Sendable (any AccessStore, Identity) async throws(DomainError) -> T) async throws(RPCError) -> T {
    let store = self.store
    let actor = CallScope.actor(configuration.callerIdentity)
    return try await mappingDomainErrors { () async throws(DomainError) in try await body(store, actor) }
  }
}
