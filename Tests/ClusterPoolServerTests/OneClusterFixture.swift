import ClusterPoolDomain

/// Cluster `acme/c1` of pool `prod` (created at second 0 and 1 by alice): what the health
/// board tests report on and read back.
protocol OneClusterFixture {}

extension OneClusterFixture {
  var acme: Organization { try! Organization(validating: "acme") }
  var key: ClusterKey { ClusterKey(organization: acme, name: try! ResourceName(validating: "c1", kind: "cluster")) }
  var pool: ClusterPool {
    ClusterPool(
      key: PoolKey(organization: acme, name: try! ResourceName(validating: "prod")),
      config: try! ClusterPoolConfig(objectStoreURI: "s3://prod-bucket", secretStoreType: 1), createdAt: at(0), updatedAt: at(0),
      createdBy: .user(subject: "alice"), updatedBy: .user(subject: "alice"))
  }
  var cluster: Cluster {
    Cluster(
      key: key, poolName: try! ResourceName(validating: "prod"), createdAt: at(1), updatedAt: at(1), createdBy: .user(subject: "alice"),
      updatedBy: .user(subject: "alice"))
  }
  func at(_ seconds: Int64) -> Timestamp { Timestamp(nanosecondsSinceEpoch: seconds * 1_000_000_000) }
}
