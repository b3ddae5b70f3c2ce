import ClusterPoolClient
import Testing

/// Every programmatic call of the seed (shared/seed/cluster-pools.md), translated to Swift,
/// against the real server; then the rest of the API and its errors.
@Suite struct SeedAPITests {
  static let registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com/union"

  /// The seed's snippets verbatim, through the shared default client.
  @Test func theSeedsProgrammaticCalls() async throws {
    try await withPoolServer { client, _ in
      ControlPlaneClient.setShared(client)
      defer { ControlPlaneClient.setShared(nil) }

      try await ClusterPool.create(
        "prod",
        objectStoreURI: "s3://my-prod-bucket/prefix",
        secretStoreType: .awsSecretsManager,
        secretStoreLocator: "us-east-1",
        imageRegistry: "123456789012.dkr.ecr.us-east-1.amazonaws.com/union"
      )

      var listed: [ClusterPool] = []
      for try await pool in ClusterPool.listAll(limit: 100) {
        print(pool.name, pool.memberClusters, pool.objectStoreURI, pool.secretStoreType as Any)
        listed.append(pool)
      }
      #expect(listed.map(\.name) == ["default", "prod"])
      #expect(listed[0].objectStoreURI == "s3://shared-default")
      #expect(listed[0].secretStoreType == .kubernetes)

      let pool = try await ClusterPool.get("prod")
      print(pool.name)
      print(pool.memberClusters)
      print(pool.objectStoreURI)
      print(pool.secretStoreType as Any)
      print(pool.imageRegistry)
      #expect(pool.name == "prod")
      #expect(pool.memberClusters == [])
      #expect(pool.objectStoreURI == "s3://my-prod-bucket/prefix")
      #expect(pool.secretStoreType == .awsSecretsManager)
      #expect(pool.imageRegistry == Self.registry)
      #expect(pool.secretStoreLocator == "us-east-1")
      #expect(pool.objectStoreEndpoint == "")
      #expect(pool.organization == "acme")
      #expect(pool.deletedAt == nil)
      #expect(pool.createdBy == "tester")

      try await ClusterPool.delete("prod")
      await expectStatus(.notFound) { _ = try await ClusterPool.get("prod") }
    }
  }

  @Test func updateChangesOnlyWhatIsGivenAndUndeleteRestores() async throws {
    try await withPoolServer { client, _ in
      try await ClusterPool.create(
        "prod", objectStoreURI: "s3://my-prod-bucket/prefix", secretStoreType: .awsSecretsManager,
        secretStoreLocator: "us-east-1", imageRegistry: Self.registry, client: client)
      let updated = try await ClusterPool.update("prod", secretStoreLocator: "us-west-2", client: client)
      #expect(updated.secretStoreLocator == "us-west-2")
      var pool = try await ClusterPool.get("prod", client: client)
      #expect(pool.secretStoreLocator == "us-west-2")
      #expect(pool.objectStoreURI == "s3://my-prod-bucket/prefix")
      #expect(pool.imageRegistry == Self.registry)

      let config = ClusterPoolConfig(
        objectStoreURI: "gs://other", objectStoreEndpoint: "https://storage.example.com", secretStoreType: .gcpSecretManager)
      try await ClusterPool.update("prod", config: config, client: client)
      pool = try await ClusterPool.get("prod", client: client)
      #expect(pool.config == config)

      try await ClusterPool.delete("prod", client: client)
      let deleted = try await ClusterPool.listAll(deleted: true, client: client).collect()
      #expect(deleted.map(\.name) == ["prod"])
      #expect(deleted.first?.deletedAt != nil)
      let restored = try await ClusterPool.undelete("prod", client: client)
      #expect(restored.name == "prod")
      #expect(restored.config == config)
      #expect(restored.deletedAt == nil)
      #expect(try await ClusterPool.listAll(deleted: true, client: client).collect().isEmpty)
    }
  }

  @Test func listAllFollowsPageTokensAndHonoursTheLimit() async throws {
    try await withPoolServer { client, _ in
      let names = (1...23).map { "pool-\($0 < 10 ? "0" : "")\($0)" }
      for name in names {
        try await ClusterPool.create(name, objectStoreURI: "s3://b/\(name)", secretStoreType: .vault, client: client)
      }
      let all = try await ClusterPool.listAll(pageSize: 4, client: client).collect()
      #expect(all.map(\.name) == ["default"] + names)
      let capped = try await ClusterPool.listAll(limit: 10, pageSize: 3, client: client).collect()
      #expect(capped.map(\.name) == Array((["default"] + names).prefix(10)))
      let filtered = try await ClusterPool.listAll(pageSize: 2, nameContains: "pool-1", client: client).collect()
      #expect(filtered.map(\.name) == names.filter { $0.hasPrefix("pool-1") })

      // stopping early asks for no more pages and leaves the client usable
      var first: [String] = []
      for try await pool in ClusterPool.listAll(pageSize: 5, client: client) {
        first.append(pool.name)
        if first.count == 2 { break }
      }
      #expect(first == ["default", "pool-01"])
    }
  }

  @Test func serverRejectionsArriveAsTypedErrorsWithTheServersMessage() async throws {
    try await withPoolServer { client, _ in
      await expectStatus(.notFound, containing: "nope") { _ = try await ClusterPool.get("nope", client: client) }
      try await ClusterPool.create("prod", objectStoreURI: "s3://b", secretStoreType: .ociVault, client: client)
      await expectStatus(.alreadyExists, containing: "prod") {
        try await ClusterPool.create("prod", objectStoreURI: "s3://b", secretStoreType: .ociVault, client: client)
      }
      await expectStatus(.invalidArgument, containing: "object_store") {
        try await ClusterPool.create("bad", objectStoreURI: "ftp://b", secretStoreType: .ociVault, client: client)
      }
      await expectStatus(.invalidArgument, containing: "secret_store.type") {
        try await ClusterPool.create("bad", config: ClusterPoolConfig(objectStoreURI: "s3://b"), client: client)
      }
      await expectStatus(.invalidArgument) {
        try await ClusterPool.create("Not_A_Name", objectStoreURI: "s3://b", secretStoreType: .ociVault, client: client)
      }
      await expectStatus(.failedPrecondition, containing: "default") { try await ClusterPool.delete("default", client: client) }
      await expectStatus(.notFound) { _ = try await ClusterPool.undelete("prod", client: client) }
    }
  }

  @Test func organizationsComeFromTheSettings() async throws {
    try await withPoolServer { client, settings in
      try await ClusterPool.create("prod", objectStoreURI: "s3://b", secretStoreType: .vault, client: client)
      var other = settings
      other.organization = "beta"
      let beta = ControlPlaneClient(settings: other)
      defer { Task { await beta.close() } }
      #expect(try await ClusterPool.listAll(client: beta).collect().map(\.name) == ["default"])
      await expectStatus(.notFound) { _ = try await ClusterPool.get("prod", client: beta) }
      #expect(try await ClusterPool.get("default", client: beta).organization == "beta")
    }
  }

  @Test func aMissingServerSaysHowToPointTheClientAtOne() async throws {
    let client = ControlPlaneClient(settings: .server(host: "127.0.0.1", port: 1))
    defer { Task { await client.close() } }
    do {
      _ = try await ClusterPool.get("prod", client: client)
      Issue.record("expected a failure")
    } catch let error as ClientError {
      #expect(error.code == .unavailable)
      #expect(error.isConnectionFailure)
      #expect(error.message == "cannot connect to 127.0.0.1:1: connection refused")
      let hint = try #require(error.hint)
      for way in ["--endpoint", "FLYTECTL_CONFIG", "~/.flyte/config.yaml"] { #expect(hint.contains(way)) }
    }
  }

  @Test func theEditorLoopReopensOnTheServersValidationError() async throws {
    try await withPoolServer { client, _ in
      let rejected = ManifestTests.seedManifest.replacing("s3://my-prod-bucket", with: "ftp://my-prod-bucket")
      let editor = try ScriptedEditor(steps: [rejected, ManifestTests.seedManifest])
      defer { editor.directory.remove() }
      let manifest = try await ManifestEditor(command: editor.command, prompt: ScriptedPrompt([.retry])).edit(
        ClusterPoolManifest.creationTemplate(name: "prod"), fileLabel: "test"
      ) { manifest in
        try await ClusterPool.create(try manifest.resolvedName(commandLineName: "prod"), config: manifest.config, client: client)
      }
      #expect(manifest.config == ManifestTests.seedConfig)
      #expect(editor.runs == 2)
      #expect(editor.seen(2).hasPrefix("#! ERROR: INVALID_ARGUMENT: "))
      #expect(try await ClusterPool.get("prod", client: client).config == ManifestTests.seedConfig)
    }
  }
}

/// Expects `body` to fail with a `ClientError` of `code` whose message contains `text`.
func expectStatus(
  _ code: ClientError.Code, containing text: String = "", sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () async throws -> Void
) async {
  do {
    try await body()
    Issue.record("expected \(code)", sourceLocation: sourceLocation)
  } catch let error as ClientError {
    #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    #expect(text.isEmpty || error.message.contains(text), "\(error)", sourceLocation: sourceLocation)
  } catch {
    Issue.record("expected a ClientError, got \(error)", sourceLocation: sourceLocation)
  }
}
