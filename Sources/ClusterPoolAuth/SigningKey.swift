public import ClusterPoolStore
public import Crypto
internal import Foundation

/// One ES256 (ECDSA P-256, SHA-256) key that signs access tokens, named by its `kid`.
/// Stored as a `SigningKeyRecord`; the newest key signs, every key not yet retired past the
/// longest token lifetime verifies.
public struct SigningKey: Sendable {
  /// The JWS `kid`: random, unique among the server's keys.
  public let id: String
  /// When it was made (seconds since 1970).
  public let createdAt: Int64
  /// When a newer key took over signing (seconds since 1970); `nil` while it signs.
  public var retiredAt: Int64?
  let privateKey: P256.Signing.PrivateKey

  /// A new random key made at `now`.
  public init(now: Int64) {
    let privateKey = P256.Signing.PrivateKey()
    self.privateKey = privateKey
    self.createdAt = now
    self.retiredAt = nil
    // A kid from the public key's hash: stable for the key, unique in practice.
    let digest = SHA256.hash(data: privateKey.publicKey.x963Representation)
    self.id = Base64URL.encode(digest.prefix(12))
  }

  /// The key a record holds; throws when its bytes are not a P-256 private key.
  public init(_ record: SigningKeyRecord) throws {
    guard let raw = Base64URL.decode(Substring(record.privateKey)) else {
      throw SigningKeyError(message: "signing key \(record.id): its private key is not base64url")
    }
    do {
      self.privateKey = try P256.Signing.PrivateKey(rawRepresentation: raw)
    } catch {
      throw SigningKeyError(message: "signing key \(record.id): not a P-256 private key (\(error))")
    }
    self.id = record.id
    self.createdAt = record.createdAt
    self.retiredAt = record.retiredAt
  }

  /// What the store keeps of it.
  public var record: SigningKeyRecord {
    SigningKeyRecord(
      id: id, algorithm: "ES256", privateKey: Base64URL.encode(privateKey.rawRepresentation),
      createdAt: createdAt, retiredAt: retiredAt)
  }

  /// The public key as a JWK (RFC 7517, RFC 7518 section 6.2).
  public var publicJWK: [(String, String)] {
    let point = Array(privateKey.publicKey.x963Representation)  // 0x04 || x || y
    return [
      ("kty", "EC"), ("crv", "P-256"), ("use", "sig"), ("alg", "ES256"), ("kid", id),
      ("x", Base64URL.encode(point[1...32])), ("y", Base64URL.encode(point[33...64])),
    ]
  }

  func sign(_ signingInput: [UInt8]) throws -> [UInt8] {
    Array(try privateKey.signature(for: signingInput).rawRepresentation)
  }

  func verify(_ signature: [UInt8], over signingInput: Substring.UTF8View) -> Bool {
    guard signature.count == 64,
      let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
    else { return false }
    return privateKey.publicKey.isValidSignature(parsed, for: Array(signingInput))
  }
}

/// A stored signing key that cannot be used.
public struct SigningKeyError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}
