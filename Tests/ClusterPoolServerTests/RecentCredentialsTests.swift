import ClusterPoolAuth
import Testing

@testable import ClusterPoolServer

/// The gate's recent credentials give a digest only for exactly the bytes remembered, and keep
/// the newest few.
@Suite struct RecentCredentialsTests {
  func digest(_ recent: RecentCredentials, _ credential: String) -> CredentialDigest? {
    Array(credential.utf8).withUnsafeBytes { recent.digest(of: $0) }
  }

  func remember(_ recent: inout RecentCredentials, _ credential: String) {
    Array(credential.utf8).withUnsafeBytes { recent.remember($0, CredentialDigest(bytes: $0)) }
  }

  @Test func onlyTheSameBytesFindADigest() {
    var recent = RecentCredentials()
    let token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
    remember(&recent, token)
    #expect(digest(recent, token) == CredentialDigest(token))
    // one byte changed at the start, in the middle (in a whole word) and in the tail
    for index in [0, 17, token.utf8.count - 1] {
      var bytes = Array(token.utf8)
      bytes[index] ^= 0x01
      #expect(bytes.withUnsafeBytes { recent.digest(of: $0) } == nil, "changed at \(index)")
    }
    #expect(digest(recent, String(token.dropLast())) == nil)
    #expect(digest(recent, token + "x") == nil)
    #expect(digest(recent, "") == nil)
  }

  @Test func theOldestIsReplacedWhenFull() {
    var recent = RecentCredentials()
    let credentials = (0...RecentCredentials.capacity).map { "api-key-\($0)-with-a-secret-long-enough" }
    for credential in credentials { remember(&recent, credential) }
    #expect(digest(recent, credentials[0]) == nil)
    for credential in credentials.dropFirst() { #expect(digest(recent, credential) == CredentialDigest(credential)) }
  }

  @Test func sameComparesEveryByte() {
    let a: [UInt8] = Array(0..<37)
    #expect(a.withUnsafeBytes { RecentCredentials.same(a, $0) })
    for index in a.indices {
      var b = a
      b[index] = 0xff
      #expect(!b.withUnsafeBytes { RecentCredentials.same(a, $0) })
    }
  }
}
