import ClusterPoolClient
import Testing

@Suite struct EndpointTests {
  func parse(_ text: String) throws -> Endpoint { try Endpoint(parsing: text, origin: "test") }

  @Test(arguments: [
    ("localhost:8089", "localhost", 8089, nil),
    ("dns:///localhost:8089", "localhost", 8089, nil),
    ("dns://8.8.8.8/flyte.example.com:443", "flyte.example.com", 443, nil),
    ("  127.0.0.1:30080  ", "127.0.0.1", 30080, nil),
    ("[::1]:8089", "::1", 8089, nil),
    ("http://127.0.0.1:9000", "127.0.0.1", 9000, true),
    ("https://tenant.example.com", "tenant.example.com", nil, false),
    ("dns:///tenant.example.com", "tenant.example.com", nil, nil),
    ("example.com/", "example.com", nil, nil),
  ] as [(String, String, Int?, Bool?)])
  func parsesEveryAcceptedForm(text: String, host: String, port: Int?, insecure: Bool?) throws {
    let endpoint = try parse(text)
    #expect(endpoint.host == host)
    #expect(endpoint.port == port)
    #expect(endpoint.impliesInsecure == insecure)
  }

  @Test func defaultPortsFollowTheTransport() throws {
    let endpoint = try parse("dns:///tenant.example.com")
    #expect(endpoint.port(insecure: false) == 443)
    #expect(endpoint.port(insecure: true) == 80)
    #expect(try parse("[::1]:8089").description == "[::1]:8089")
  }

  @Test(arguments: ["", "dns:", "unix:///tmp/sock", "host:0", "host:70000", "host:abc", "::1:8089", "host:1/path", ":8089", "[::1"])
  func rejectsWithAMessageNamingTheOrigin(text: String) {
    #expect {
      try Endpoint(parsing: text, origin: "admin.endpoint in /x/config.yaml")
    } throws: { error in
      let message = (error as? ConfigurationError)?.message ?? ""
      return message.contains("admin.endpoint in /x/config.yaml") && message.contains("invalid endpoint")
    }
  }
}
