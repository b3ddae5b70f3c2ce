internal import ClusterPoolDomain

extension AccessWrites {
  /// CreateUser: a user named by their email address in lowercase.
  static func createUser(_ organization: Organization, _ profile: UserProfile, by actor: Identity, in tx: StoreTransaction)
    async throws -> User
  {
    try AccessRules.checkProfile(profile)
    let subject = profile.email.lowercased()
    let key = AccessKey(.user, organization, subject)
    guard try await tx.accessRow(key) == nil else {
      throw DomainError(.alreadyExists, "user \"\(subject)\" already exists in organization \"\(organization)\"")
    }
    let user = User(organization: organization, subject: subject, profile: profile, authorship: Authorship(at: tx.now, by: actor))
    try await write(user, in: tx)
    return user
  }

  /// DeleteUser: removes the user and their assignment (not the last administrator's).
  static func deleteUser(_ organization: Organization, subject: String, in tx: StoreTransaction) async throws {
    let key = AccessKey(.user, organization, subject)
    guard try await tx.accessRow(key) != nil else {
      throw notFound("user \"\(subject)\"", organization, "list users with flyte get user")
    }
    try await guarded(organization, "deleting user \"\(subject)\"", in: tx) { $0.assignments[.user(subject: subject)] = nil }
    try await remove(key, in: tx)
  }
}
