internal import ClusterPoolDomain

/// The read model of every organization's identity and access objects, decoded from their
/// rows. The built-in roles and policies are not stored: they are made on reading, with the
/// store's creation time.
struct AccessCatalog: Sendable {
  let createdAt: Timestamp
  private(set) var apps: [AccessKey: App] = [:]
  /// The organizations holding an app of each client id: the token endpoint and API keys name
  /// a client id without its organization, and look it up here instead of scanning every app.
  private(set) var appOrganizations: [String: [Organization]] = [:]
  var roles: [AccessKey: Role] = [:]
  var policies: [AccessKey: Policy] = [:]
  var users: [AccessKey: User] = [:]
  var assignments: [AccessKey: Assignment] = [:]

  init(createdAt: Timestamp, rows: [AccessRow]) {
    self.createdAt = createdAt
    for row in rows { upsert(row) }
  }

  /// Takes a row as written (an undecodable row, which only a corrupt store holds, is left out
  /// of reads rather than stopping the store).
  mutating func upsert(_ row: AccessRow) {
    switch row.key.kind {
    case .app: setApp(row.key, try? row.decode(App.self))
    case .role: roles[row.key] = try? row.decode(Role.self)
    case .policy: policies[row.key] = try? row.decode(Policy.self)
    case .user: users[row.key] = try? row.decode(User.self)
    case .assignment: assignments[row.key] = try? row.decode(Assignment.self)
    }
  }

  /// Forgets the row of `key`.
  mutating func remove(_ key: AccessKey) {
    switch key.kind {
    case .app: setApp(key, nil)
    case .role: roles[key] = nil
    case .policy: policies[key] = nil
    case .user: users[key] = nil
    case .assignment: assignments[key] = nil
    }
  }

  /// Keeps the app of `key` (forgets it for `nil`), and its client id's organizations with it.
  private mutating func setApp(_ key: AccessKey, _ app: App?) {
    let known = app.map { apps.updateValue($0, forKey: key) != nil } ?? (apps.removeValue(forKey: key) != nil)
    guard known != (app != nil) else { return }
    if app != nil {
      appOrganizations[key.name, default: []].append(key.organization)
    } else {
      appOrganizations[key.name]?.removeAll { $0 == key.organization }
      if appOrganizations[key.name]?.isEmpty == true { appOrganizations[key.name] = nil }
    }
  }

  /// The apps of client id `clientID`, in every organization.
  func apps(clientID: String) -> [App] {
    (appOrganizations[clientID] ?? []).compactMap { apps[AccessKey(.app, $0, clientID)] }
  }

  func role(_ organization: Organization, _ name: String) -> Role? {
    BuiltInRoles.role(name, in: organization, createdAt: createdAt) ?? roles[AccessKey(.role, organization, name)]
  }

  func policy(_ organization: Organization, _ name: String) -> Policy? {
    BuiltInRoles.policy(name, in: organization, createdAt: createdAt) ?? policies[AccessKey(.policy, organization, name)]
  }

  func roles(in organization: Organization) -> [Role] {
    BuiltInRoles.all(in: organization, createdAt: createdAt)
      + roles.values.filter { $0.organization == organization }.sorted { $0.name < $1.name }
  }

  func policies(in organization: Organization) -> [Policy] {
    BuiltInRoles.policies(in: organization, createdAt: createdAt)
      + policies.values.filter { $0.organization == organization }.sorted { $0.name < $1.name }
  }

  func apps(in organization: Organization) -> [App] {
    apps.values.filter { $0.organization == organization }.sorted { $0.clientID < $1.clientID }
  }

  func users(in organization: Organization) -> [User] {
    users.values.filter { $0.organization == organization }.sorted { $0.subject < $1.subject }
  }

  func assignments(in organization: Organization) -> [Assignment] {
    assignments.values.filter { $0.organization == organization }.sorted { $0.identity.storageForm < $1.identity.storageForm }
  }
}
