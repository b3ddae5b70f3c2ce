import Crypto
import Foundation
import _CryptoExtras

@testable import ClusterPoolAuth

/// Signing keys of a test OpenID Connect provider: an RSA 2048 key (RS256) and a P-256 key
/// (ES256), their public JWKs, and tokens they sign.
struct ProviderKeys: Sendable {
  /// Made once: an RSA key takes a while to generate.
  static let shared = ProviderKeys()
  static let other = ProviderKeys()

  let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
  let p256 = P256.Signing.PrivateKey()

  func rsaJWK(kid: String) -> String {
    let primitives = try! rsa.publicKey.getKeyPrimitives()
    return #"{"kty":"RSA","use":"sig","alg":"RS256","kid":"\#(kid)","n":"\#(Base64URL.encode(primitives.modulus))","e":"\#(Base64URL.encode(primitives.publicExponent))"}"#
  }

  func ecJWK(kid: String) -> String {
    let point = Array(p256.publicKey.x963Representation)
    return #"{"kty":"EC","crv":"P-256","kid":"\#(kid)","x":"\#(Base64URL.encode(point[1...32]))","y":"\#(Base64URL.encode(point[33...64]))"}"#
  }

  /// A token of `claims` (JSON) whose header is `alg` and `kid`, signed with the key of `alg`.
  func token(alg: String = "RS256", kid: String?, claims: String) -> String {
    let header = kid.map { #"{"alg":"\#(alg)","typ":"JWT","kid":"\#($0)"}"# } ?? #"{"alg":"\#(alg)","typ":"JWT"}"#
    let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
    let signature: [UInt8] =
      switch alg {
      case "RS256": Array(try! rsa.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5).rawRepresentation)
      case "ES256": Array(try! p256.signature(for: Data(input.utf8)).rawRepresentation)
      default: Array("not a signature".utf8)
      }
    return input + "." + Base64URL.encode(signature)
  }
}
