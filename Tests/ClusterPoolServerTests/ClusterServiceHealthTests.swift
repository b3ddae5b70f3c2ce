import ClusterPoolProto
import Foundation
import RPCCore
import Testing

@testable import ClusterPoolServer

extension ClusterServiceClient {
  func heartbeat(_ name: String) async throws {
    let _: Cloudidl.Cluster.HeartbeatRequestResponse = try await call(
      "Heartbeat", Cloudidl.Cluster.HeartbeatRequest(clusterId: ClusterID(name: name)))
  }

  func report(
    _ name: String, uri: String, type: Cloudidl.Common.SecretStore.SecretStoreType = .awsSecretsManager, locator: String = "us-east-1",
    registry: String = ""
  ) async throws {
    let data = Cloudidl.Cluster.OperatorClusterData(
      metadataObjectStoreRef: .init(uri: uri), secretStore: .init(type: type, locator: locator), imageRegistry: .init(locator: registry))
    let _: Cloudidl.Cluster.UpdateStatusResponse = try await call(
      "UpdateStatus", Cloudidl.Cluster.UpdateStatusRequest(clusterId: ClusterID(name: name), status: .init(operatorClusterData: data)))
  }
}

/// Heartbeat and UpdateStatus: health as soft state, the heartbeat timeout, data-plane drift.
@Suite struct ClusterServiceHealthTests {
  @Test func heartbeatMakesHealthyAndDeletedOrUnknownClustersAreNotFound() async throws {
    try await withClusterServer { pools, clusters, _ in
      try await pools.create("prod")
      try await clusters.create("c1", pool: "prod")
      #expect(try await clusters.get("c1").status?.health == .unknown)
      try await clusters.heartbeat("c1")
      let healthy = try await clusters.get("c1")
      #expect(healthy.status?.health == .healthy && healthy.status?.state == .enabled)
      // a cluster that reported drains through its data plane: DRAINING, not DRAINED at once
      #expect(try await clusters.setState("c1", .draining).drainStatus?.overallState == .draining)
      let missing = await clusters.code { try await clusters.heartbeat("nope") }
      #expect(missing?.0 == .notFound)
      try await clusters.create("c2", pool: "prod")
      _ = try await clusters.delete("c2")
      let deletedBeat = await clusters.code { try await clusters.heartbeat("c2") }
      #expect(deletedBeat?.0 == .notFound)
      let deletedStatus = await clusters.code { try await clusters.report("c2", uri: "s3://x") }
      #expect(deletedStatus?.0 == .notFound)
    }
  }

  @Test func silenceBeyondTheTimeoutReadsUnhealthy() async throws {
    try await withClusterServer(heartbeatTimeout: .seconds(1)) { pools, clusters, _ in
      try await pools.create("prod")
      try await clusters.create("c1", pool: "prod")
      try await clusters.watch { events in
        _ = try await events.next()
        try await clusters.heartbeat("c1")
        #expect(try await events.next()?.clusters.first?.health?.status == .healthy)
        #expect(try await clusters.get("c1").status?.health == .healthy)
        _ = try await events.next()  // the timeout, announced by the health keeper
      }
      let silent = try await clusters.get("c1")
      #expect(silent.status?.health == .unhealthy && silent.status?.state == .disabled)
      #expect(silent.status?.unhealthyReasons.first?.hasPrefix("no heartbeat") == true)
      try await clusters.heartbeat("c1")
      #expect(try await clusters.get("c1").status?.health == .healthy)
    }
  }

  @Test func driftFromThePoolIsOneReasonPerItemUntilItMatches() async throws {
    try await withClusterServer { pools, clusters, _ in
      try await pools.create("prod", uri: "s3://b")
      try await clusters.create("c1", pool: "prod")
      try await clusters.report("c1", uri: "s3://a", type: .kubernetes)
      let drifted = try await clusters.get("c1")
      #expect(drifted.status?.health == .unhealthy && drifted.status?.state == .disabled)
      #expect(
        drifted.status?.unhealthyReasons == [
          "object store s3://a differs from pool prod's s3://b",
          "secret store KUBERNETES us-east-1 differs from pool prod's AWS_SECRETS_MANAGER us-east-1",
        ])
      try await clusters.report("c1", uri: "s3://b")
      let matching = try await clusters.get("c1")
      #expect(matching.status?.health == .healthy && matching.status?.unhealthyReasons == [])
    }
  }

  /// Issue 9.5: another object store, secret store (type and locator) and registry are three
  /// reasons, one per item of the data-plane contract, each naming both sides.
  @Test func threeDifferingItemsAreThreeReasons() async throws {
    try await withClusterServer { pools, clusters, _ in
      try await pools.create("prod", uri: "s3://prod-bucket", registry: "ghcr.io/acme")
      try await clusters.create("c1", pool: "prod")
      try await clusters.report("c1", uri: "s3://other", type: .azureKeyVault, locator: "vault-x", registry: "quay.io/acme")
      let drifted = try await clusters.get("c1")
      #expect(drifted.status?.health == .unhealthy && drifted.status?.state == .disabled)
      #expect(
        drifted.status?.unhealthyReasons == [
          "object store s3://other differs from pool prod's s3://prod-bucket",
          "secret store AZURE_KEY_VAULT vault-x differs from pool prod's AWS_SECRETS_MANAGER us-east-1",
          "image registry quay.io/acme differs from pool prod's ghcr.io/acme",
        ])
      // the locator alone is still the secret store item, one reason
      try await clusters.report("c1", uri: "s3://prod-bucket", locator: "eu-west-1", registry: "ghcr.io/acme")
      #expect(
        try await clusters.get("c1").status?.unhealthyReasons == [
          "secret store AWS_SECRETS_MANAGER eu-west-1 differs from pool prod's AWS_SECRETS_MANAGER us-east-1"
        ])
    }
  }
}
