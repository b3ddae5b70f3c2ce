import ClusterPoolClient
import Testing

@Suite struct ManifestTests {
  /// The manifest of the seed (user docs), verbatim.
  static let seedManifest = """
    name: prod
    config:
      object_store_ref:
        uri: s3://my-prod-bucket/prefix
        endpoint: ""
      secret_store:
        type: AWS_SECRETS_MANAGER
        locator: us-east-1
      image_registry:
        locator: 123456789012.dkr.ecr.us-east-1.amazonaws.com/union

    """

  static let seedConfig = ClusterPoolConfig(
    objectStoreURI: "s3://my-prod-bucket/prefix", secretStoreType: .awsSecretsManager, secretStoreLocator: "us-east-1",
    imageRegistry: "123456789012.dkr.ecr.us-east-1.amazonaws.com/union")

  @Test func parsesTheSeedManifest() throws {
    let manifest = try ClusterPoolManifest(yaml: Self.seedManifest)
    #expect(manifest.name == "prod")
    #expect(manifest.config == Self.seedConfig)
    #expect(try manifest.resolvedName(commandLineName: "prod") == "prod")
    #expect(try manifest.resolvedName(commandLineName: nil) == "prod")
  }

  @Test func rendersTheSeedManifestExactly() {
    #expect(ClusterPoolManifest(name: "prod", config: Self.seedConfig).yaml() == Self.seedManifest)
  }

  @Test func roundTripsAwkwardStrings() throws {
    let config = ClusterPoolConfig(
      objectStoreURI: "s3://b/p with space#x", objectStoreEndpoint: "http://minio:9000", secretStoreType: .vault,
      secretStoreLocator: "true", imageRegistry: "12345")
    let manifest = ClusterPoolManifest(name: "x-1", config: config)
    #expect(try ClusterPoolManifest(yaml: manifest.yaml()) == manifest)
    let quoted = ClusterPoolManifest(name: "q", config: .init(objectStoreURI: "say \"hi\"\\\n\tend", secretStoreLocator: "null"))
    #expect(try ClusterPoolManifest(yaml: quoted.yaml()) == quoted)
  }

  @Test func aNameThatDisagreesWithTheCommandLineIsRejected() throws {
    let manifest = try ClusterPoolManifest(yaml: Self.seedManifest)
    #expect(throws: ManifestError.self) { try manifest.resolvedName(commandLineName: "staging") }
    let nameless = try ClusterPoolManifest(yaml: "config:\n  object_store_ref:\n    uri: s3://b\n")
    #expect(nameless.name == nil)
    #expect(try nameless.resolvedName(commandLineName: "dev") == "dev")
    #expect(throws: ManifestError.self) { try nameless.resolvedName(commandLineName: nil) }
  }

  @Test func secretStoreTypesParseInEverySpelling() throws {
    for (spelling, type) in [
      ("GCP_SECRET_MANAGER", SecretStoreType.gcpSecretManager), ("azure_key_vault", .azureKeyVault),
      ("SECRET_STORE_TYPE_KUBERNETES", .kubernetes), ("oci-vault", .ociVault),
    ] {
      let manifest = try ClusterPoolManifest(yaml: "name: a\nconfig:\n  secret_store:\n    type: \(spelling)\n")
      #expect(manifest.config.secretStoreType == type)
    }
    #expect(SecretStoreType.allCases.count == 6)
    #expect(SecretStoreType(name: "AWS_SECRETS_MANAGER") == .awsSecretsManager)
    #expect(SecretStoreType(name: "UNSPECIFIED") == nil)
    #expect(SecretStoreType.validNames == "AWS_SECRETS_MANAGER, GCP_SECRET_MANAGER, AZURE_KEY_VAULT, KUBERNETES, VAULT, OCI_VAULT")
  }

  @Test func anEmptySecretStoreTypeIsLeftForTheServerToReject() throws {
    let manifest = try ClusterPoolManifest(yaml: "name: a\nconfig:\n  secret_store:\n    type: \"\"\n")
    #expect(manifest.config.secretStoreType == nil)
  }

  @Test(arguments: [
    ("name: a\nconfig:\n  secret_store:\n    type: AWS_SECRET_MANAGER\n", "is not one of AWS_SECRETS_MANAGER, GCP_SECRET_MANAGER"),
    ("name: a\nconfig:\n  object_store:\n    uri: s3://b\n", "unknown key \"object_store\" in config (line 3)"),
    ("name: a\nconfg: {}\n", "unknown key \"confg\" at the top level"),
    ("name: a\n", "no config: section"),
    ("name: [a, b]\nconfig: {}\n", "name must be a string"),
    ("name: a\nconfig: s3://b\n", "config must be a mapping"),
    ("name: a\nconfig: {object_store_ref: {uri: [x]}}\n", "config.object_store_ref.uri must be a string"),
    ("name: a\nconfig:\n  - x\n", "config must be a mapping"),
    ("name: a\n  config: : :\n", "not valid YAML"),
    ("# only a comment\n", "the manifest is empty"),
  ])
  func rejectsBadManifestsNamingTheProblem(yaml: String, expected: String) {
    #expect {
      _ = try ClusterPoolManifest(yaml: yaml)
    } throws: { error in
      let message = (error as? ManifestError)?.message ?? ""
      if !message.contains(expected) { Issue.record("message: \(message)") }
      return message.contains(expected)
    }
  }

  @Test func theOutputOfGetAsYAMLIsAcceptedBack() throws {
    let pool = ClusterPool(
      name: "prod", organization: "acme", config: Self.seedConfig, memberClusters: ["prod-us-east-1"],
      createdBy: "alice@example.com")
    let yaml = try ClusterPoolFormatter.detail(pool, format: .yaml)
    let manifest = try ClusterPoolManifest(yaml: yaml)
    #expect(manifest == ClusterPoolManifest(pool))
  }

  @Test func theCreationTemplateListsKeysAndTypesAndIsNotItselfValid() throws {
    let template = ClusterPoolManifest.creationTemplate(name: "prod")
    for key in ["config.object_store_ref.uri", "config.secret_store.type", "config.image_registry.locator"] {
      #expect(template.contains(key))
    }
    #expect(template.contains(SecretStoreType.validNames))
    let manifest = try ClusterPoolManifest(yaml: template)
    #expect(manifest.name == "prod")
    #expect(manifest.config == ClusterPoolConfig())
  }
}
