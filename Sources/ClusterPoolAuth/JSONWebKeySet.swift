internal import Crypto
internal import _CryptoExtras
public import RPCCore

/// The public keys of a JWK Set (RFC 7517 section 5) that can verify tokens: RSA keys
/// (`kty` RSA, RS256, at least 2048 bits) and P-256 keys (`kty` EC, `crv` P-256, ES256).
/// Keys of another type, or marked for encryption (`use` enc), are left out with the reason
/// in `skipped`; a set with no usable key at all is an error.
public struct JSONWebKeySet: Sendable {
  /// One verification key.
  public struct Key: Sendable {
    /// The JWS `kid` it is named by, if the set gives one.
    public var id: String?
    /// The JWS algorithm it verifies: `RS256` or `ES256`.
    public var algorithm: String
    let material: Material
  }

  enum Material: Sendable {
    case rsa(_RSA.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)
  }

  /// The usable keys, in the set's order.
  public private(set) var keys: [Key]
  /// Why keys were left out, one line each (`key k2: kty oct is not supported`).
  public private(set) var skipped: [String]

  /// Parses a JWK Set document.
  public init(json bytes: some Collection<UInt8>) throws(JSONWebKeySetError) {
    guard let document = try? JSONValue(parsing: bytes) else { throw JSONWebKeySetError("the JWK Set is not JSON") }
    guard case .array(let entries)? = document["keys"] else { throw JSONWebKeySetError("the JWK Set has no \"keys\" array") }
    keys = []
    skipped = []
    for (index, entry) in entries.enumerated() {
      let name = entry["kid"]?.stringValue.map { "key \($0.prefix(64))" } ?? "key #\(index)"
      do throws(JSONWebKeySetError) {
        keys.append(try Self.key(entry))
      } catch {
        skipped.append("\(name): \(error.description)")
      }
    }
    guard !keys.isEmpty else {
      throw JSONWebKeySetError("the JWK Set has no usable key (RS256 or ES256)" + (skipped.isEmpty ? "" : ": " + skipped.joined(separator: "; ")))
    }
  }

  /// The key a token's header names: by `kid` when it has one (else the only key of its
  /// algorithm), and only one made for `alg`.
  public func key(id: String?, algorithm: String) -> Key? {
    if let id { return keys.first { $0.id == id && $0.algorithm == algorithm } }
    let candidates = keys.filter { $0.algorithm == algorithm }
    return candidates.count == 1 ? candidates[0] : nil
  }

  /// Whether any key has the id `kid`.
  public func contains(id: String) -> Bool { keys.contains { $0.id == id } }

  private static func key(_ entry: JSONValue) throws(JSONWebKeySetError) -> Key {
    guard case .object = entry else { throw JSONWebKeySetError("not a JSON object") }
    if let use = entry["use"]?.stringValue, use != "sig" { throw JSONWebKeySetError("use \(use.prefix(16)) is not sig") }
    let id = entry["kid"]?.stringValue
    let alg = entry["alg"]?.stringValue
    switch entry["kty"]?.stringValue {
    case "RSA":
      guard alg == nil || alg == "RS256" else { throw JSONWebKeySetError("alg \(alg!.prefix(16)) is not supported (RS256, ES256)") }
      guard let n = entry["n"]?.stringValue.flatMap({ Base64URL.decode(Substring($0)) }),
        let e = entry["e"]?.stringValue.flatMap({ Base64URL.decode(Substring($0)) }), !n.isEmpty, !e.isEmpty
      else { throw JSONWebKeySetError("an RSA key needs n and e in base64url") }
      do {
        return Key(id: id, algorithm: "RS256", material: .rsa(try _RSA.Signing.PublicKey(n: n, e: e)))
      } catch {
        throw JSONWebKeySetError("not a usable RSA public key (at least 2048 bits): \(error)")
      }
    case "EC":
      guard alg == nil || alg == "ES256" else { throw JSONWebKeySetError("alg \(alg!.prefix(16)) is not supported (RS256, ES256)") }
      guard entry["crv"]?.stringValue == "P-256" else { throw JSONWebKeySetError("curve \(entry["crv"]?.stringValue?.prefix(16) ?? "none") is not supported (P-256)") }
      guard let x = entry["x"]?.stringValue.flatMap({ Base64URL.decode(Substring($0)) }),
        let y = entry["y"]?.stringValue.flatMap({ Base64URL.decode(Substring($0)) }), x.count == 32, y.count == 32
      else { throw JSONWebKeySetError("a P-256 key needs x and y of 32 bytes in base64url") }
      do {
        return Key(id: id, algorithm: "ES256", material: .p256(try P256.Signing.PublicKey(x963Representation: [0x04] + x + y)))
      } catch {
        throw JSONWebKeySetError("not a point of P-256")
      }
    case let kty:
      throw JSONWebKeySetError("kty \(kty?.prefix(16) ?? "missing") is not supported (RSA, EC)")
    }
  }
}

extension JSONWebKeySet.Key {
  /// Whether `signature` is this key's over `signingInput` (RS256: RSASSA-PKCS1-v1_5 with
  /// SHA-256; ES256: ECDSA P-256 with SHA-256, the 64-byte r || s form of JWS).
  func verify(_ signature: [UInt8], over signingInput: some Sequence<UInt8>) -> Bool {
    let input = Array(signingInput)
    switch material {
    case .rsa(let key):
      guard signature.count == key.keySizeInBits / 8 else { return false }
      return key.isValidSignature(
        _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)
    case .p256(let key):
      guard signature.count == 64, let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
      return key.isValidSignature(parsed, for: input)
    }
  }
}

/// Why a JWK Set (or one of its keys) cannot be used.
public struct JSONWebKeySetError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
