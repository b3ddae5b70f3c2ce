public import ClusterPoolDomain

/// Reads of identity and access objects (built-in roles and policies included).
extension StoreSnapshot {
  public func app(_ organization: Organization, clientID: String) -> App? { access.apps[AccessKey(.app, organization, clientID)] }
  public func apps(in organization: Organization) -> [App] { access.apps(in: organization) }
  public func role(_ organization: Organization, _ name: String) -> Role? { access.role(organization, name) }
  public func roles(in organization: Organization) -> [Role] { access.roles(in: organization) }
  public func policy(_ organization: Organization, _ name: String) -> Policy? { access.policy(organization, name) }
  public func policies(in organization: Organization) -> [Policy] { access.policies(in: organization) }
  public func user(_ organization: Organization, subject: String) -> User? { access.users[AccessKey(.user, organization, subject)] }
  public func users(in organization: Organization) -> [User] { access.users(in: organization) }
  /// The users whose subject is `subject`, in every organization (a scan: for a provider
  /// token's first verification, cached after).
  public func users(subject: String) -> [User] { access.users.values.filter { $0.subject == subject } }
  /// The users whose email is `email` (compared in lowercase), in every organization.
  public func users(email: String) -> [User] {
    let email = email.lowercased()
    return access.users.values.filter { $0.profile.email.lowercased() == email }
  }

  /// The assignment of `identity`; nil when it has none.
  public func assignment(_ organization: Organization, _ identity: Identity) -> Assignment? {
    access.assignments[Assignment.key(organization, identity)]
  }

  public func assignments(in organization: Organization) -> [Assignment] { access.assignments(in: organization) }

  /// Whether any organization holds an app, a user or an assignment: false for a new store
  /// (the server's bootstrap admin is made then).
  public var holdsIdentities: Bool { !access.apps.isEmpty || !access.users.isEmpty || !access.assignments.isEmpty }

  /// The applications whose client id is `clientID`, in every organization (the token
  /// endpoint names no organization: a client id may be taken in several, and the secret,
  /// 256 random bits, tells them apart).
  public func apps(clientID: String) -> [App] { access.apps(clientID: clientID) }
}
