import Testing

@testable import RPCCore

@Suite struct MetadataRedactionTests {
  let token = "Bearer tok-4f1d-secret"

  @Test func credentialValuesNeverPrint() {
    var metadata: Metadata = ["Authorization": token, "x-request-id": "r-1"]
    metadata.add("proxy-authorization", token)
    metadata.add("flyte-authorization", token)
    metadata.add("cookie", "session=\(token)")
    metadata.add("x-api-token", token)
    struct Holder { var metadata: Metadata }
    for text in [
      "\(metadata)", String(reflecting: metadata), String(describing: Holder(metadata: metadata)),
      metadata.map { "\(Metadata.Field(name: $0.name, value: $0.value))" }.joined(),
    ] {
      #expect(!text.contains("tok-4f1d-secret"), "\(text)")
    }
    #expect(
      "\(metadata)"
        == "[authorization: <redacted>, x-request-id: r-1, proxy-authorization: <redacted>, "
        + "flyte-authorization: <redacted>, cookie: <redacted>, x-api-token: <redacted>]")
  }

  @Test func theValuesThemselvesStayReadable() {
    let metadata: Metadata = ["authorization": token]
    #expect(metadata.first("Authorization") == token)
  }
}
