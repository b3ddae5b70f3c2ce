public import ClusterPoolDomain

/// Who a verified credential names: an organization and a subject in it (a user or an
/// application), what authorization and authorship need from a call.
public struct AuthenticatedCaller: Sendable, Hashable, CustomStringConvertible {
  /// The organization the credential belongs to; every object the caller touches is in it.
  public var organization: String
  /// The user or application, by subject.
  public var identity: Identity
  /// When the credential stops being valid (seconds since 1970), `nil` for one that does not
  /// expire on its own (an API key used directly).
  public var expiresAt: Int64?

  /// Creates a caller.
  public init(organization: String, identity: Identity, expiresAt: Int64? = nil) {
    self.organization = organization
    self.identity = identity
    self.expiresAt = expiresAt
  }

  /// `app:ci-bot in acme`: for logs; names no secret.
  public var description: String { "\(identity.storageForm) in \(organization)" }
}
