import Testing

@testable import ClusterPoolDomain

@Suite struct NameAndConfigTests {
  @Test(arguments: ["a", "prod", "prod-us-east-1", "0", "a1-b2", String(repeating: "x", count: 63)])
  func validNames(_ name: String) throws {
    #expect(try ResourceName(validating: name).value == name)
  }

  @Test(arguments: ["", "-a", "a-", "Prod", "a_b", "a.b", "a b", String(repeating: "x", count: 64), "é", "a\u{0}"])
  func invalidNames(_ name: String) {
    #expect(throws: DomainError.self) { try ResourceName(validating: name) }
    do { _ = try ResourceName(validating: name) } catch {
      #expect(error.code == .invalidArgument)
      #expect(error.message.contains(name.isEmpty ? "is required" : "1-63 characters"))
    }
  }

  @Test func organizationResolvesEmptyToFallback() throws {
    let fallback = try Organization(validating: "acme")
    #expect(try Organization.resolve("", fallback: fallback) == fallback)
    #expect(try Organization.resolve("other", fallback: fallback).name == "other")
    #expect(throws: DomainError.self) { try Organization.resolve("bad\u{7}", fallback: fallback) }
    #expect(throws: DomainError.self) { try Organization.resolve(String(repeating: "o", count: 1025), fallback: fallback) }
  }

  /// Organizations follow the rule of every other name (rules.md, Names); the official CLI's
  /// org from an IP endpoint (`127`) is one.
  @Test(arguments: ["127", "acme", "fresh-org", "0", String(repeating: "o", count: 63)])
  func validOrganizations(_ name: String) throws {
    #expect(try Organization.resolve(name, fallback: Organization(validating: "acme")).name == name)
  }

  @Test(arguments: ["Bad Org!", "Acme", "a_b", "a.b", "-a", "a-", String(repeating: "o", count: 64), "é"])
  func invalidOrganizations(_ name: String) throws {
    let fallback = try Organization(validating: "acme")
    #expect(throws: DomainError(.invalidArgument, """
      organization name "\(name)" is invalid: use 1-63 characters, lowercase letters, digits and '-', \
      starting and ending with a letter or digit (e.g. prod-us-east-1)
      """)) { try Organization.resolve(name, fallback: fallback) }
  }

  func config(
    uri: String = "s3://bucket/prefix", endpoint: String = "", type: Int32 = 1, locator: String = "",
    registry: String = ""
  ) throws(DomainError) -> ClusterPoolConfig {
    try ClusterPoolConfig(
      objectStoreURI: uri, objectStoreEndpoint: endpoint, secretStoreType: type, secretStoreLocator: locator,
      imageRegistry: registry)
  }

  func message(_ body: () throws -> Void) -> String? {
    do {
      try body()
      return nil
    } catch let error as DomainError {
      #expect(error.code == .invalidArgument)
      return error.message
    } catch {
      Issue.record("unexpected \(error)")
      return nil
    }
  }

  @Test(arguments: [
    "s3://my-prod-bucket/prefix", "gs://b", "abfs://c@acct.dfs.core.windows.net/p", "abfss://c@a/p", "az://c/p",
    "oci://bucket@ns/p", "file:///var/lib/clusterpool", "S3://Bucket",
  ])
  func objectStoreSchemesAccepted(_ uri: String) throws {
    #expect(try config(uri: uri).objectStoreURI == uri)
  }

  @Test func objectStoreURIRules() {
    #expect(message { _ = try config(uri: "") }?.contains("object_store_ref.uri is required") == true)
    #expect(message { _ = try config(uri: "bucket/prefix") }?.contains("is not an absolute URI") == true)
    #expect(message { _ = try config(uri: "http://bucket/x") }?.contains("scheme \"http\" is not an object store: use one of s3, gs, abfs, abfss, az, oci, file") == true)
    #expect(message { _ = try config(uri: "s3://") }?.contains("names no bucket") == true)
    #expect(message { _ = try config(uri: "s3:bucket") }?.contains("names no bucket") == true)
    #expect(message { _ = try config(uri: "file://relative") }?.contains("absolute path") == true)
    #expect(message { _ = try config(uri: "s3://b/with space") }?.contains("spaces") == true)
    #expect(message { _ = try config(uri: "s3://b/\u{1}") }?.contains("control character U+0001") == true)
    let long = "s3://b/" + String(repeating: "p", count: 2048 - 7)
    #expect(message { _ = try config(uri: long) } == nil)
    #expect(message { _ = try config(uri: long + "p") }?.contains("at most 2048 bytes") == true)
  }

  @Test func endpointRules() {
    #expect(message { _ = try config(endpoint: "https://s3.example.com") } == nil)
    #expect(message { _ = try config(endpoint: "http://minio.local:9000/x") } == nil)
    #expect(message { _ = try config(endpoint: "minio.local:9000") }?.contains("must be an http(s) URL") == true)
    #expect(message { _ = try config(endpoint: "ftp://x") }?.contains("must be an http(s) URL") == true)
    #expect(message { _ = try config(endpoint: "https://") }?.contains("must be an http(s) URL") == true)
    #expect(message { _ = try config(endpoint: "https://" + String(repeating: "a", count: 1020)) }?.contains("at most 1024 bytes") == true)
  }

  @Test func secretStoreTypeRules() {
    let valid = "AWS_SECRETS_MANAGER, GCP_SECRET_MANAGER, AZURE_KEY_VAULT, KUBERNETES, VAULT, OCI_VAULT"
    for number in Int32(1)...6 { #expect(message { _ = try config(type: number) } == nil) }
    #expect(message { _ = try config(type: 0) } == "secret_store.type is required: it must be one of \(valid)")
    #expect(message { _ = try config(type: 7) } == "secret_store.type value 7 is unknown: it must be one of \(valid)")
    #expect(message { _ = try config(locator: String(repeating: "l", count: 1025)) }?.contains("secret_store.locator is 1025 bytes") == true)
    #expect(message { _ = try config(locator: "us-east-1\n") }?.contains("secret_store.locator contains the control character U+000A") == true)
    #expect(SecretStoreType(name: "secret_store_type_vault") == .vault)
    #expect(SecretStoreType(name: "OCI_VAULT") == .ociVault)
    #expect(SecretStoreType(name: "nope") == nil)
  }

  @Test(arguments: [
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/union", "ghcr.io", "registry.local:5000/team/app", "localhost:5000",
    "10.0.0.1/x",
  ])
  func registriesAccepted(_ registry: String) {
    #expect(message { _ = try config(registry: registry) } == nil)
  }

  @Test(arguments: ["https://ghcr.io/x", "ghcr.io/", "ghcr.io//x", "host:0", "host:99999", "-host", "ho st", "host:/x", "host/a b"])
  func registriesRejected(_ registry: String) {
    #expect(message { _ = try config(registry: registry) }?.contains("image_registry.locator") == true)
  }
}
