import Foundation
import Testing

@testable import ClusterPoolAuth

/// What every call reads before any cache: the `authorization` value, an API key's base64 and
/// its four fields, and the digest caches key on. Read as bytes; these pin that the readings
/// are the ones the slower character-based code made.
@Suite struct BearerParsingTests {
  @Test func theBearerSchemeInAnyCaseAndTheTokenTrimmed() throws {
    for value in ["Bearer abc.def", "bearer abc.def", "BEARER   abc.def  ", "  Bearer abc.def"] {
      #expect(try BearerAuthenticator.bearer(value) == "abc.def", "\(value)")
    }
    #expect(throws: AuthenticationFailure.missing) { try BearerAuthenticator.bearer(nil) }
    for value in ["", "Bearer", "Bearer    ", "Basic abc", "Bearerabc", "Bearer\tabc", "Bearerx abc", "Beare abc"] {
      #expect(throws: AuthenticationFailure.notBearer, "\(value)") { try BearerAuthenticator.bearer(value) }
    }
  }

  @Test func standardBase64DecodesAsFoundationDoes() {
    var generator = SystemRandomNumberGenerator()
    for length in 0..<70 {
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      let text = Data(bytes).base64EncodedString()
      #expect(Base64URL.decodeStandard(text.utf8) == bytes, "\(text)")
    }
    for bad in ["abc", "a===", "ab-_", "ab c", "Zm9v\n", "Zg==Zg==", "Z==="] {
      #expect(Base64URL.decodeStandard(bad.utf8) == nil, "\(bad)")
      #expect(Data(base64Encoded: bad) == nil, "Foundation accepts \(bad)")
    }
    #expect(Base64URL.decodeStandard("ab=c".utf8) == nil)  // Foundation reads past the padding; no key has any
  }

  @Test func base64urlAsFoundationWritesItWithoutPadding() {
    var generator = SystemRandomNumberGenerator()
    for length in 0..<70 {
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      var expected = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_")
      while expected.last == "=" { expected.removeLast() }
      #expect(Base64URL.encode(bytes) == expected)
      #expect(Base64URL.decode(Substring(expected)) == bytes)
    }
    for bad in ["a", "abcde", "ab==", "a+b/", "ab c"] { #expect(Base64URL.decode(Substring(bad)) == nil, "\(bad)") }
  }

  @Test func anAPIKeysFieldsReadFromTheRight() throws {
    func key(_ text: String) -> APIKey? { APIKey(Data(text.utf8).base64EncodedString()) }
    let full = try #require(key("dns:///pools.example:443:ci:s3cr3t:acme"))
    #expect((full.endpoint, full.clientID, full.secret, full.organization) == ("dns:///pools.example:443", "ci", "s3cr3t", "acme"))
    #expect(key("pools.example:ci:s3cr3t:None")?.organization == "None")
    #expect(key("pools.example:ci:s3cr3t:")?.organization == "")
    #expect(key(":ci:s3cr3t:acme")?.endpoint == "")
    #expect(key("pools.example::s3cr3t:acme") == nil)  // no client id
    #expect(key("pools.example:ci::acme") == nil)  // no secret
    #expect(key("ci:s3cr3t:acme") == nil)  // three fields
    #expect(APIKey("not base64!") == nil && APIKey(Data([0xFF, 0x3A, 0x3A, 0x3A]).base64EncodedString()) == nil)
  }

  @Test func aDigestIsTheSameForAStringAndASliceOfIt() {
    let value = "Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
    let slice = value.dropFirst(7)
    #expect(CredentialDigest(slice) == CredentialDigest(String(slice)))
    #expect(CredentialDigest("a") != CredentialDigest("b"))
  }
}
