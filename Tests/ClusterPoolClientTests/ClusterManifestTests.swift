import ClusterPoolClient
import Testing

/// `ClusterManifest` (`flyte create cluster --file`): its two keys, the read-only keys of
/// `get cluster -o yaml` ignored, anything else refused by name, and the name rule.
@Suite struct ClusterManifestTests {
  @Test func readsNameAndPool() throws {
    let manifest = try ClusterManifest(yaml: "# a comment\nname: prod-us-east-1\npool: prod\n")
    #expect(manifest == ClusterManifest(name: "prod-us-east-1", pool: "prod"))
    #expect(try ClusterManifest(yaml: "name: c1\npool: \"\"\n").pool == nil)
    #expect(try ClusterManifest(yaml: "name: c1\n").pool == nil)
  }

  @Test func acceptsWhatGetClusterPrints() throws {
    let printed = """
      name: c1
      organization: acme
      pool: prod
      state: ACTIVE
      generation: "1"
      health: HEALTHY
      unhealthy_reasons: []
      queues: [c1]
      """
    #expect(try ClusterManifest(yaml: printed) == ClusterManifest(name: "c1", pool: "prod"))
  }

  @Test func refusesUnknownKeysAndOtherShapes() {
    #expect(throws: ManifestError("unknown key \"cluster_pool\" at the top level; expected name, pool")) {
      try ClusterManifest(yaml: "name: c1\ncluster_pool: prod\n")
    }
    #expect(throws: ManifestError.self) { try ClusterManifest(yaml: "- c1\n") }
    #expect(throws: ManifestError.self) { try ClusterManifest(yaml: "") }
    #expect(throws: ManifestError("pool must be a string")) { try ClusterManifest(yaml: "name: c1\npool: [a]\n") }
  }

  @Test func theNameOnTheCommandLineMustAgree() throws {
    let manifest = ClusterManifest(name: "c1", pool: nil)
    #expect(try manifest.resolvedName(commandLineName: nil) == "c1")
    #expect(try manifest.resolvedName(commandLineName: "c1") == "c1")
    #expect(throws: ManifestError("the manifest's name \"c1\" does not match \"c2\" on the command line")) {
      try manifest.resolvedName(commandLineName: "c2")
    }
    #expect(try ClusterManifest(name: nil, pool: nil).resolvedName(commandLineName: "c3") == "c3")
    #expect(throws: ManifestError.self) { try ClusterManifest(name: nil, pool: nil).resolvedName(commandLineName: nil) }
  }
}
