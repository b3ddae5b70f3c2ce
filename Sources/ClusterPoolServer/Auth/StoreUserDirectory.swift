public import ClusterPoolAuth
internal import ClusterPoolDomain
public import ClusterPoolStore

/// The people of an OpenID Connect provider's tokens among the store's users: the user whose
/// subject is the token's `sub` (in any organization) first, else the user whose email is the
/// token's (case-insensitively; CreateUser names users by their email). A person found in
/// several organizations is refused (the token does not say which one is meant).
public struct StoreUserDirectory: UserDirectory {
  public let store: any AccessStore

  public init(store: any AccessStore) { self.store = store }

  public func user(_ person: OIDCTokens.Person) throws(AuthenticationFailure) -> AuthenticatedCaller {
    let snapshot = store.snapshot()
    var found = snapshot.users(subject: person.subject)
    let email = person.email?.lowercased()
    if found.isEmpty, let email { found = snapshot.users(email: email) }
    let wanted = "subject \(person.subject.prefix(64))" + (email.map { " or email \($0.prefix(64))" } ?? "")
    guard let user = found.first else {
      throw .unknownPerson("no user with \(wanted) in any organization (flyte create user adds one)")
    }
    guard found.count == 1 else {
      let organizations = found.map(\.organization.name).sorted().joined(separator: ", ")
      throw .unknownPerson("the user with \(wanted) is in several organizations (\(organizations)): the token does not say which")
    }
    return AuthenticatedCaller(organization: user.organization.name, identity: user.identity, expiresAt: person.expiresAt)
  }

  public func userExists(organization: String, subject: String) -> Bool {
    guard let organization = try? Organization(validating: organization) else { return false }
    return store.snapshot().user(organization, subject: subject) != nil
  }
}
