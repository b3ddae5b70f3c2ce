@testable import ClusterPoolAuth
import Testing

@Suite struct JSONWebKeySetTests {
  let keys = ProviderKeys.shared

  @Test func rsaAndP256KeysAreReadOthersLeftOutSayingWhy() throws {
    let set = try JSONWebKeySet(json: Array(#"""
      {"keys":[\#(keys.rsaJWK(kid: "r1")),\#(keys.ecJWK(kid: "e1")),
        {"kty":"oct","kid":"shared","k":"c2VjcmV0"},
        {"kty":"RSA","use":"enc","kid":"enc1","n":"AQAB","e":"AQAB"},
        {"kty":"EC","crv":"P-384","kid":"big","x":"AA","y":"AA"},
        {"kty":"RSA","kid":"short","n":"AQAB","e":"AQAB"},
        {"kty":"RSA","alg":"RS512","kid":"r512","n":"AQAB","e":"AQAB"}]}
      """#.utf8))
    #expect(set.keys.map(\.id) == ["r1", "e1"])
    #expect(set.keys.map(\.algorithm) == ["RS256", "ES256"])
    #expect(set.skipped.count == 5)
    #expect(set.skipped[0] == "key shared: kty oct is not supported (RSA, EC)")
    #expect(set.skipped[1] == "key enc1: use enc is not sig")
    #expect(set.skipped[2].hasPrefix("key big: curve P-384"))
    #expect(set.skipped[3].hasPrefix("key short: not a usable RSA public key"))
    #expect(set.skipped[4].hasPrefix("key r512: alg RS512 is not supported"))
    #expect(set.key(id: "r1", algorithm: "RS256") != nil)
    #expect(set.key(id: "r1", algorithm: "ES256") == nil)
    #expect(set.key(id: nil, algorithm: "ES256")?.id == "e1")  // the only ES256 key
    #expect(set.key(id: "nope", algorithm: "RS256") == nil)
  }

  @Test func aSetWithoutUsableKeysOrNotJSONIsAnError() {
    #expect(throws: JSONWebKeySetError.self) { try JSONWebKeySet(json: Array(#"{"keys":[{"kty":"oct","k":"AA"}]}"#.utf8)) }
    #expect(throws: JSONWebKeySetError.self) { try JSONWebKeySet(json: Array(#"{"keys":{}}"#.utf8)) }
    #expect(throws: JSONWebKeySetError.self) { try JSONWebKeySet(json: Array("<html>".utf8)) }
  }

  @Test func signaturesVerifyWithTheirKeyOnly() throws {
    let set = try JSONWebKeySet(json: Array(#"{"keys":[\#(keys.rsaJWK(kid: "r1")),\#(keys.ecJWK(kid: "e1"))]}"#.utf8))
    for (alg, kid) in [("RS256", "r1"), ("ES256", "e1")] {
      let parts = keys.token(alg: alg, kid: kid, claims: #"{"sub":"x"}"#).split(separator: ".")
      let input = Array((parts[0] + "." + parts[1]).utf8)
      let signature = Base64URL.decode(parts[2])!
      let key = try #require(set.key(id: kid, algorithm: alg))
      #expect(key.verify(signature, over: input))
      #expect(!key.verify(signature, over: input + [0x20]))
      var flipped = signature
      flipped[5] ^= 1
      #expect(!key.verify(flipped, over: input))
      #expect(!key.verify(Array(signature.dropLast()), over: input))
    }
  }

  @Test func aDiscoveryDocumentOfAnotherIssuerIsRefused() throws {
    let document = Array(#"{"issuer":"https://idp.example","jwks_uri":"https://idp.example/keys","token_endpoint":"https://idp.example/token","device_authorization_endpoint":"https://idp.example/device"}"#.utf8)
    let metadata = try OIDCProviderMetadata(discovery: document, expectedIssuer: "https://idp.example")
    #expect(metadata.jwksURI == "https://idp.example/keys" && metadata.deviceAuthorizationEndpoint == "https://idp.example/device")
    #expect(metadata.authorizationEndpoint == "")
    #expect(throws: JSONWebKeySetError.self) { try OIDCProviderMetadata(discovery: document, expectedIssuer: "https://other.example") }
  }
}
