public import ClusterPoolDomain

extension ClusterPoolService {
  /// What the service needs besides its store: who callers are and which organization an
  /// empty `organization` means, while authentication is off.
  public struct Configuration: Sendable {
    /// The organization of requests that name none.
    public var defaultOrganization: Organization
    /// The identity recorded in `authorship` for every change.
    public var callerIdentity: Identity

    public init(
      defaultOrganization: Organization = try! Organization(validating: "default"),
      callerIdentity: Identity = .user(subject: "anonymous")
    ) {
      self.defaultOrganization = defaultOrganization
      self.callerIdentity = callerIdentity
    }
  }
}
