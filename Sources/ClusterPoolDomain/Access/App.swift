/// An application of an organization: an OAuth2 client, named by its client id. An API key
/// is an application with the client-credentials grant; its secret is shown once, at
/// creation, and only its digest (``SecretDigest``) is kept.
public struct App: Sendable, Hashable, Codable {
  public var organization: Organization
  public var clientID: String
  public var registration: AppRegistration
  /// The digest of the client secret.
  public var secretDigest: SecretDigest
  public var authorship: Authorship

  public init(
    organization: Organization, clientID: String, registration: AppRegistration, secretDigest: SecretDigest,
    authorship: Authorship
  ) {
    self.organization = organization
    self.clientID = clientID
    self.registration = registration
    self.secretDigest = secretDigest
    self.authorship = authorship
  }

  /// The key of its store row.
  public var key: AccessKey { AccessKey(.app, organization, clientID) }
  /// The identity it acts as.
  public var identity: Identity { .application(subject: clientID) }
}

/// The client registration of an application (RFC 7591's metadata, as `cloudidl.identity.App`
/// carries it; enum values are the wire numbers).
public struct AppRegistration: Sendable, Hashable, Codable {
  public var clientName: String = ""
  public var redirectURIs: [String] = []
  public var responseTypes: [Int32] = []
  public var grantTypes: [Int32] = []
  public var applicationType: Int32 = 0
  public var contacts: [String] = []
  public var logoURI: String = ""
  public var clientURI: String = ""
  public var policyURI: String = ""
  public var tosURI: String = ""
  public var jwksURI: String = ""
  public var tokenEndpointAuthMethod: Int32 = 0

  public init() {}

  /// Longest text field, in UTF-8 bytes; most list entries.
  public static let maxFieldBytes = 2048
  public static let maxEntries = 32

  /// Checks lengths and characters of every field.
  public func validate() throws(DomainError) {
    for (field, text) in [
      ("client_name", clientName), ("logo_uri", logoURI), ("client_uri", clientURI), ("policy_uri", policyURI),
      ("tos_uri", tosURI), ("jwks_uri", jwksURI),
    ] {
      try TextRules.check(text, field: field, maxBytes: Self.maxFieldBytes)
    }
    for (field, list) in [("redirect_uris", redirectURIs), ("contacts", contacts)] {
      guard list.count <= Self.maxEntries else { throw .invalid("\(field) has \(list.count) entries: at most \(Self.maxEntries)") }
      for text in list { try TextRules.check(text, field: field, maxBytes: Self.maxFieldBytes) }
    }
    for (field, list) in [("response_types", responseTypes), ("grant_types", grantTypes)] {
      guard list.count <= Self.maxEntries else { throw .invalid("\(field) has \(list.count) entries: at most \(Self.maxEntries)") }
    }
  }
}
