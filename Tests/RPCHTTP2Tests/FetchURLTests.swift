import RPCHTTP2
import Testing
import RPCTestSupport

@Suite struct FetchURLTests {
  @Test func partsOfURLs() throws {
    let plain = try FetchURL("http://127.0.0.1:8080/.well-known/openid-configuration")
    #expect((plain.tls, plain.host, plain.port, plain.pathAndQuery) == (false, "127.0.0.1", 8080, "/.well-known/openid-configuration"))
    #expect(plain.hostField == "127.0.0.1:8080")
    let tls = try FetchURL("https://idp.example")
    #expect((tls.tls, tls.host, tls.port, tls.pathAndQuery, tls.hostField) == (true, "idp.example", 443, "/", "idp.example"))
    let v6 = try FetchURL("https://[::1]:8443/keys?x=1#frag")
    #expect((v6.host, v6.port, v6.pathAndQuery, v6.hostField) == ("::1", 8443, "/keys?x=1", "[::1]:8443"))
    let query = try FetchURL("http://user@h?a=b")
    #expect((query.host, query.port, query.pathAndQuery) == ("h", 80, "/?a=b"))
  }

  @Test func refusals() {
    for bad in ["ftp://h/x", "idp.example/keys", "https:///keys", "http://h:0/", "http://h:99999/", "http://h:x/"] {
      #expect(throws: HTTPFetchError.self, "\(bad)") { try FetchURL(bad) }
    }
  }
}
