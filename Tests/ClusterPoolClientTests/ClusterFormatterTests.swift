import ClusterPoolClient
import Foundation
import Testing

@Suite struct ClusterFormatterTests {
  static let clusters = [
    Cluster(
      name: "prod-us-east-1", organization: "acme", pool: "prod", state: .active, health: .healthy,
      queues: ["prod-us-east-1", "gpu"], generation: 1),
    Cluster(
      name: "prod-eu-1", organization: "acme", pool: "prod", state: .draining, health: .unhealthy,
      unhealthyReasons: [
        "object store s3://a differs from pool prod's s3://b", "secret store VAULT differs from pool prod's AWS_SECRETS_MANAGER",
      ], generation: 4),
  ]

  @Test func listsNamePoolStateHealthQueues() throws {
    #expect(try ClusterFormatter.list(Self.clusters, format: .table) == """
      Clusters in organization acme
      NAME             POOL   STATE      HEALTH      QUEUES
      prod-us-east-1   prod   ACTIVE     HEALTHY     prod-us-east-1,gpu
      prod-eu-1        prod   DRAINING   UNHEALTHY   -

      """)
  }

  @Test func deletedClustersGetADeletedAtColumn() throws {
    var cluster = Self.clusters[0]
    cluster.state = .deleted
    cluster.deletedAt = Date(timeIntervalSince1970: 1_700_000_000)
    let table = try ClusterFormatter.list([cluster], format: .table)
    #expect(table.hasPrefix("Clusters in organization acme\nNAME             POOL   STATE     HEALTH    QUEUES               DELETED AT\n"))
    #expect(table.contains("DELETED   HEALTHY   prod-us-east-1,gpu   2023-11-14T22:13:20Z"))
  }

  @Test func detailShowsEveryDriftReasonOnItsOwnLine() throws {
    #expect(try ClusterFormatter.detail(Self.clusters[1], format: .table) == """
      Cluster prod-eu-1 in organization acme
      Name:               prod-eu-1
      Organization:       acme
      Pool:               prod
      State:              DRAINING
      Generation:         4
      Health:             UNHEALTHY
      Unhealthy reasons:  - object store s3://a differs from pool prod's s3://b
                          - secret store VAULT differs from pool prod's AWS_SECRETS_MANAGER
      Queues:             (none)

      """)
    let healthy = try ClusterFormatter.detail(Self.clusters[0], format: .table)
    #expect(healthy.contains("Unhealthy reasons:  (none)\n"))
    #expect(healthy.contains("Queues:             prod-us-east-1, gpu\n"))
  }

  @Test func jsonAndYAMLCarryEveryField() throws {
    let json = try ClusterFormatter.detail(Self.clusters[1], format: .json)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(object["name"] as? String == "prod-eu-1")
    #expect(object["pool"] as? String == "prod")
    #expect(object["state"] as? String == "DRAINING")
    #expect(object["health"] as? String == "UNHEALTHY")
    #expect(object["generation"] as? Int == 4)
    #expect(json.contains("\"generation\": 4,\n"))
    #expect((object["unhealthy_reasons"] as? [String])?.count == 2)
    #expect(json.hasPrefix("{\n  \"name\": \"prod-eu-1\",\n  \"organization\": \"acme\",\n  \"pool\": \"prod\",\n"))

    let list = try ClusterFormatter.list(Self.clusters, format: .json)
    #expect((try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [Any])?.count == 2)
    let yaml = try ClusterFormatter.list(Self.clusters, format: .yaml)
    // a stream of documents flyte apply reads back (kind first)
    #expect(yaml.hasPrefix("---\nkind: Cluster\nname: prod-us-east-1\norganization: acme\npool: prod\nstate: ACTIVE\n"))
    #expect(yaml.contains("\nqueues:\n- prod-us-east-1\n- gpu\n"))
    #expect(yaml.contains("\nunhealthy_reasons: []\n"))
    #expect(yaml.components(separatedBy: "---\nkind: Cluster\n").count == 3)
  }
}
