import ClusterPoolDomain
import ClusterPoolStore
import Logging

/// What the PostgreSQL store tests write with: organization `acme`, user `alice`, a default
/// pool template, and keys and configs by name.
protocol AcmeStoreValues {}

extension AcmeStoreValues {
  var logger: Logger { Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }) }
  var template: DefaultPoolTemplate {
    DefaultPoolTemplate(
      config: try! ClusterPoolConfig(objectStoreURI: "file:///var/lib/clusterpool/default", secretStoreType: 4),
      createdBy: .user(subject: "system"), createdAt: Timestamp(nanosecondsSinceEpoch: 0))
  }
  var acme: Organization { try! Organization(validating: "acme") }
  var alice: Identity { .user(subject: "alice") }

  func poolKey(_ name: String) -> PoolKey { PoolKey(organization: acme, name: try! ResourceName(validating: name)) }
  func clusterKey(_ name: String) -> ClusterKey {
    ClusterKey(organization: acme, name: try! ResourceName(validating: name, kind: "cluster"))
  }
  func config(_ uri: String = "s3://bucket/prefix") -> ClusterPoolConfig {
    try! ClusterPoolConfig(objectStoreURI: uri, secretStoreType: 1)
  }
}
