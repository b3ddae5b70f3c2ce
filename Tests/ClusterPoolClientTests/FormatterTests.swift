import ClusterPoolClient
import Foundation
import Testing

@Suite struct FormatterTests {
  static let pools = [
    ClusterPool(
      name: "default", organization: "acme",
      config: .init(objectStoreURI: "s3://shared", secretStoreType: .kubernetes), memberClusters: ["a", "b"]),
    ClusterPool(
      name: "prod", organization: "acme",
      config: .init(
        objectStoreURI: "s3://my-prod-bucket/prefix", secretStoreType: .awsSecretsManager, secretStoreLocator: "us-east-1",
        imageRegistry: "123456789012.dkr.ecr.us-east-1.amazonaws.com/union")),
  ]

  @Test func listsAsAlignedColumns() throws {
    let table = try ClusterPoolFormatter.list(Self.pools, format: .table)
    #expect(table == """
      Cluster pools in organization acme
      NAME      MEMBER CLUSTERS   OBJECT STORE                 SECRET STORE                      IMAGE REGISTRY
      default   a,b               s3://shared                  KUBERNETES                        -
      prod      -                 s3://my-prod-bucket/prefix   AWS_SECRETS_MANAGER (us-east-1)   123456789012.dkr.ecr.us-east-1.amazonaws.com/union

      """)
  }

  @Test func deletedPoolsGetADeletedAtColumn() throws {
    var pool = Self.pools[1]
    pool.deletedAt = Date(timeIntervalSince1970: 1_700_000_000)
    let table = try ClusterPoolFormatter.list([pool], format: .table)
    #expect(table.hasPrefix("Cluster pools in organization acme\nNAME   MEMBER CLUSTERS   OBJECT STORE"))
    #expect(table.contains("DELETED AT"))
    #expect(table.contains("2023-11-14T22:13:20Z"))
  }

  @Test func listsAsJSONAndYAML() throws {
    let json = try ClusterPoolFormatter.list(Self.pools, format: .json)
    let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
    #expect(decoded?.count == 2)
    #expect(decoded?[0]["name"] as? String == "default")
    #expect(decoded?[0]["member_clusters"] as? [String] == ["a", "b"])
    let config = decoded?[1]["config"] as? [String: Any]
    #expect((config?["secret_store"] as? [String: String])?["type"] == "AWS_SECRETS_MANAGER")
    #expect((config?["object_store_ref"] as? [String: String])?["uri"] == "s3://my-prod-bucket/prefix")

    let yaml = try ClusterPoolFormatter.list(Self.pools, format: .yaml)
    #expect(yaml.hasPrefix("---\nkind: ClusterPool\nname: default\n"))
    #expect(yaml.contains("\n  secret_store:\n    type: AWS_SECRETS_MANAGER\n    locator: us-east-1\n"))
  }

  @Test func showsOnePoolWithItsConfigAndMembers() throws {
    let detail = try ClusterPoolFormatter.detail(Self.pools[0], format: .table)
    #expect(detail == """
      Cluster pool default in organization acme
      Name:                   default
      Organization:           acme
      Object store:           s3://shared
      Object store endpoint:  -
      Secret store:           KUBERNETES
      Secret store locator:   -
      Image registry:         -
      Member clusters:        a, b

      """)
  }

  @Test func showsOnePoolAsJSONInTheDocsKeyOrder() throws {
    var pool = Self.pools[0]
    pool.config.objectStoreEndpoint = "http://minio:9000/\"x\""
    pool.createdBy = "alice"
    #expect(try ClusterPoolFormatter.detail(pool, format: .json) == """
      {
        "name": "default",
        "config": {
          "object_store_ref": {
            "uri": "s3://shared",
            "endpoint": "http://minio:9000/\\"x\\""
          },
          "secret_store": {
            "type": "KUBERNETES",
            "locator": ""
          },
          "image_registry": {
            "locator": ""
          }
        },
        "organization": "acme",
        "member_clusters": [
          "a",
          "b"
        ],
        "created_by": "alice"
      }

      """)
    let yaml = try ClusterPoolFormatter.detail(
      ClusterPool(name: "n", config: .init(objectStoreURI: "s3://b", imageRegistry: "12345")), format: .yaml)
    #expect(yaml.contains("    locator: '12345'\n"))
    #expect(yaml.contains("member_clusters: []\n"))
    #expect(yaml.hasSuffix("\n"))
  }

  @Test func tableCellsStayOnOneLine() {
    var table = TextTable(headers: ["A", "B"])
    table.append(["x\ny", "z"])
    table.append(["only"])
    #expect(table.render() == "A      B\nx y    z\nonly\n")
  }
}
