/// Where the signing keys live: the server's store, so every replica signs and verifies with
/// the same keys and a restart logs no one out: `SQLiteSigningKeys` and `PostgresSigningKeys`
/// (a `signing_keys` table beside the pool tables), `InMemorySigningKeyStore` for tests.
public protocol SigningKeyStore: Sendable {
  /// Every key kept, retired ones included.
  func signingKeys() async throws -> [SigningKeyRecord]
  /// Keeps `key` and marks `retire` (the keys it replaces for signing) retired at its creation,
  /// in one write.
  func addSigningKey(_ key: SigningKeyRecord, retiring retire: [String]) async throws
}

/// A signing key as the store keeps it: its private key as base64url text.
public struct SigningKeyRecord: Sendable, Hashable {
  public var id: String
  /// `ES256`, the only algorithm this server signs with.
  public var algorithm: String
  /// The 32-byte P-256 private scalar, base64url.
  public var privateKey: String
  public var createdAt: Int64
  public var retiredAt: Int64?

  public init(id: String, algorithm: String, privateKey: String, createdAt: Int64, retiredAt: Int64?) {
    self.id = id
    self.algorithm = algorithm
    self.privateKey = privateKey
    self.createdAt = createdAt
    self.retiredAt = retiredAt
  }
}
