/// Finds the user a provider's token names, among the store's users.
public protocol UserDirectory: Sendable {
  /// The user of `person`: the user whose subject is the token's `sub` first, else the user
  /// whose email is the token's (case-insensitively); `.unknownPerson` when there is none, or
  /// when several organizations hold one.
  func user(_ person: OIDCTokens.Person) throws(AuthenticationFailure) -> AuthenticatedCaller
  /// Whether the user `subject` still exists in `organization`.
  func userExists(organization: String, subject: String) -> Bool
}
