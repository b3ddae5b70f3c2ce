/// A person of an organization, named by a subject: their identity provider's `sub`, or, for a
/// user created by CreateUser, their email address in lowercase (so that a login by email
/// finds them).
public struct User: Sendable, Hashable, Codable {
  public var organization: Organization
  public var subject: String
  public var profile: UserProfile
  public var authorship: Authorship

  public init(organization: Organization, subject: String, profile: UserProfile, authorship: Authorship) {
    self.organization = organization
    self.subject = subject
    self.profile = profile
    self.authorship = authorship
  }

  /// The key of its store row.
  public var key: AccessKey { AccessKey(.user, organization, subject) }
  /// The identity it acts as.
  public var identity: Identity { .user(subject: subject) }
}

/// What is known of a user (`cloudidl.common.UserSpec` without its organization).
public struct UserProfile: Sendable, Hashable, Codable {
  public var firstName: String
  public var lastName: String
  public var email: String
  public var userHandle: String
  public var groups: [String]
  public var photoURL: String

  public init(
    firstName: String = "", lastName: String = "", email: String, userHandle: String = "", groups: [String] = [],
    photoURL: String = ""
  ) {
    self.firstName = firstName
    self.lastName = lastName
    self.email = email
    self.userHandle = userHandle
    self.groups = groups
    self.photoURL = photoURL
  }
}
