import ClusterPoolProto
import Foundation
import RPCCore
import RPCHTTP2
import Testing

@testable import ClusterPoolServer

/// Every pool rule of rules.md through the real server, with its exact status code.
@Suite struct ClusterPoolServiceTests {
  @Test func seedCreateGetListUpdateDeleteUndelete() async throws {
    try await withPoolServer { pools, app in
      #expect(app.health.status(of: ClusterPoolService.serviceName) == .serving)
      try await pools.create(
        "prod", uri: "s3://my-prod-bucket/prefix", type: .awsSecretsManager,
        registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com/union")
      let prod = try await pools.get("prod")
      #expect(prod.id == PoolID(organization: "acme", name: "prod"))
      #expect(prod.memberClusters.isEmpty)
      #expect(prod.config?.objectStoreRef?.uri == "s3://my-prod-bucket/prefix")
      #expect(prod.config?.secretStore?.type == .awsSecretsManager)
      #expect(prod.config?.secretStore?.locator == "us-east-1")
      #expect(prod.config?.imageRegistry?.locator == "123456789012.dkr.ecr.us-east-1.amazonaws.com/union")
      #expect(prod.deletedAt == nil)
      guard case .user(let user)? = prod.authorship?.createdBy?.principal else {
        Issue.record("authorship missing")
        return
      }
      #expect(user.id?.subject == "tester")

      let listed = try await pools.list(limit: 100)
      #expect(listed.clusterPools.map { $0.id?.name } == ["default", "prod"])
      #expect(listed.token.isEmpty)

      var changed = prod
      changed.config?.objectStoreRef?.uri = "gs://other-bucket"
      changed.config?.secretStore?.type = .gcpSecretManager
      changed.authorship = nil
      try await pools.update(changed)
      #expect(try await pools.get("prod").config?.objectStoreRef?.uri == "gs://other-bucket")

      try await pools.delete("prod")
      #expect(await pools.code { try await $0.get("prod") }?.0 == .notFound)
      let deleted = try await pools.list(filters: [.init(function: .exists, field: "deleted_at")])
      #expect(deleted.clusterPools.map { $0.id?.name } == ["prod"])
      #expect(deleted.clusterPools.first?.deletedAt != nil)
      #expect(try await pools.list().clusterPools.map { $0.id?.name } == ["default"])

      let restored = try await pools.undelete("prod")
      #expect(restored.deletedAt == nil)
      #expect(restored.config?.objectStoreRef?.uri == "gs://other-bucket")
      #expect(try await pools.get("prod") == restored)
    }
  }

  @Test func defaultPoolExistsFromFirstUseAndCannotBeDeleted() async throws {
    try await withPoolServer { pools, _ in
      let def = try await pools.get("default", org: "brand-new-org")
      #expect(def.id == PoolID(organization: "brand-new-org", name: "default"))
      #expect(def.config?.objectStoreRef?.uri == "file:///var/lib/clusterpool/default")
      #expect(def.config?.secretStore?.type == .kubernetes)
      let refused = await pools.code { try await $0.delete("default") }
      #expect(refused?.0 == .failedPrecondition)
      #expect(refused?.1.contains("cannot be deleted") == true)
      #expect(await pools.code { try await $0.create("default") }?.0 == .alreadyExists)
      var changed = def
      changed.id?.organization = "brand-new-org"
      changed.config?.objectStoreRef?.uri = "s3://org-default"
      try await pools.update(changed)
      #expect(try await pools.get("default", org: "brand-new-org").config?.objectStoreRef?.uri == "s3://org-default")
      #expect(try await pools.get("default").config?.objectStoreRef?.uri == "file:///var/lib/clusterpool/default")
      #expect(await pools.code { try await $0.delete("default", org: "brand-new-org") }?.0 == .failedPrecondition)
    }
  }

  @Test func createRules() async throws {
    try await withPoolServer { pools, _ in
      try await pools.create("prod")
      let duplicate = await pools.code { try await $0.create("prod") }
      #expect(duplicate?.0 == .alreadyExists)
      try await pools.delete("prod")
      let deleted = await pools.code { try await $0.create("prod") }
      #expect(deleted?.0 == .alreadyExists)
      #expect(deleted?.1.contains("undelete") == true)

      let invalid: [(String, (PoolServiceClient) async throws -> Void)] = [
        ("cannot be set", { try await $0.create("m", members: ["c1"]) }),
        ("name \"Bad_Name\" is invalid", { try await $0.create("Bad_Name") }),
        ("1-63", { try await $0.create(String(repeating: "a", count: 64)) }),
        ("cluster pool name is required", { try await $0.create("") }),
        ("secret_store.type is required: it must be one of AWS_SECRETS_MANAGER, GCP_SECRET_MANAGER, AZURE_KEY_VAULT, KUBERNETES, VAULT, OCI_VAULT", { try await $0.create("t", type: .unspecified) }),
        ("cluster_pool.config.secret_store.type: unknown enum value 42", { try await $0.create("t", type: .unrecognized(42)) }),
        ("object_store_ref.uri is required", { try await $0.create("u", uri: "") }),
        ("scheme \"https\" is not an object store", { try await $0.create("u", uri: "https://bucket") }),
        ("image_registry.locator", { try await $0.create("r", registry: "https://ghcr.io/x") }),
        ("control character", { try await $0.create("u", uri: "s3://b/\u{7}") }),
        ("at most 2048 bytes", { try await $0.create("u", uri: "s3://b/" + String(repeating: "x", count: 2100)) }),
        ("cluster_pool is required", { let _: Cloudidl.Clusterpool.CreateResponse = try await $0.call("Create", Cloudidl.Clusterpool.CreateRequest()) }),
        ("config is required", {
          let _: Cloudidl.Clusterpool.CreateResponse = try await $0.call("Create", Cloudidl.Clusterpool.CreateRequest(clusterPool: Pool(id: PoolID(name: "c"))))
        }),
        ("id is required", {
          let _: Cloudidl.Clusterpool.GetResponse = try await $0.call("Get", Cloudidl.Clusterpool.GetRequest())
        }),
      ]
      for (expected, body) in invalid {
        let result = await pools.code(body)
        #expect(result?.0 == .invalidArgument, "\(expected)")
        #expect(result?.1.contains(expected) == true, "\(result?.1 ?? "success") should contain \(expected)")
      }
      #expect(try await pools.list().clusterPools.map { $0.id?.name } == ["default"], "no partial writes")
    }
  }

  @Test func getUpdateDeleteUndeleteOfMissingOrDeletedPools() async throws {
    try await withPoolServer { pools, _ in
      #expect(await pools.code { try await $0.get("nope") }?.0 == .notFound)
      #expect(await pools.code { try await $0.delete("nope") }?.0 == .notFound)
      #expect(await pools.code { _ = try await $0.undelete("nope") }?.0 == .notFound)
      try await pools.create("live")
      #expect(await pools.code { _ = try await $0.undelete("live") }?.0 == .notFound)
      var pool = try await pools.get("live")
      pool.id?.name = "nope"
      #expect(await pools.code { try await $0.update(pool) }?.0 == .notFound)
      pool.id?.name = "live"
      try await pools.delete("live")
      #expect(await pools.code { try await $0.update(pool) }?.0 == .notFound)
      #expect(await pools.code { try await $0.delete("live") }?.0 == .notFound)
      _ = try await pools.undelete("live")
      pool.config?.secretStore?.type = .unspecified
      #expect(await pools.code { try await $0.update(pool) }?.0 == .invalidArgument)
      pool.config?.secretStore?.type = .vault
      pool.memberClusters = [.init(organization: "acme", name: "ghost")]
      #expect(await pools.code { try await $0.update(pool) }?.0 == .invalidArgument)
    }
  }

  @Test func organizationsAreIsolated() async throws {
    try await withPoolServer { pools, _ in
      try await pools.create("shared", org: "org-a")
      #expect(await pools.code { try await $0.get("shared", org: "org-b") }?.0 == .notFound)
      #expect(await pools.code { try await $0.get("shared") }?.0 == .notFound)
      try await pools.create("shared", org: "org-b")
      #expect(try await pools.list(org: "org-a").clusterPools.map { $0.id?.organization } == ["org-a", "org-a"])
      try await pools.create("mine")
      #expect(try await pools.get("mine", org: "acme").id?.organization == "acme", "empty organization means the default one")
    }
  }

  @Test func listFiltersAndTokens() async throws {
    try await withPoolServer { pools, _ in
      for name in ["prod", "prod-eu", "staging", "dev-eu"] { try await pools.create(name) }
      func names(_ filters: [Cloudidl.Common.Filter]) async throws -> [String] {
        try await pools.list(filters: filters).clusterPools.map { $0.id?.name ?? "" }
      }
      #expect(try await names([.init(function: .endsWith, field: "name", values: ["-eu"])]) == ["dev-eu", "prod-eu"])
      #expect(try await names([.init(function: .containsCaseInsensitive, field: "name", values: ["PROD"])]) == ["prod", "prod-eu"])
      #expect(try await names([.init(function: .valueIn, field: "name", values: ["staging", "prod"])]) == ["prod", "staging"])
      #expect(try await names([.init(function: .notEqual, field: "name", values: ["default"]), .init(function: .notEndsWith, field: "name", values: ["-eu"])]) == ["prod", "staging"])
      let bad = await pools.code { _ = try await $0.list(filters: [.init(function: .equal, field: "secret_store", values: ["x"])]) }
      #expect(bad?.0 == .invalidArgument)
      #expect(await pools.code { _ = try await $0.list(filters: [.init(function: .greaterThan, field: "name", values: ["a"])]) }?.0 == .invalidArgument)
      #expect(await pools.code { _ = try await $0.list(filters: [.init(function: .unrecognized(99), field: "name", values: ["a"])]) }?.0 == .invalidArgument)
      let first = try await pools.list(limit: 2)
      #expect(first.clusterPools.count == 2 && !first.token.isEmpty)
      #expect(await pools.code { _ = try await $0.list(limit: 2, token: first.token, filters: [.init(function: .contains, field: "name", values: ["e"])]) }?.0 == .invalidArgument)
      #expect(await pools.code { _ = try await $0.list(token: "not-a-token") }?.0 == .invalidArgument)
      let rest = try await pools.list(limit: 10, token: first.token)
      #expect((first.clusterPools + rest.clusterPools).map { $0.id?.name } == ["default", "dev-eu", "prod", "prod-eu", "staging"])
    }
  }

  @Test func malformedRequestsAreInvalidArgument() async throws {
    try await withPoolServer { pools, _ in
      for method in ["Get", "List", "Create", "Update", "Delete", "Undelete"] {
        do {
          _ = try await pools.client.unary(
            PoolServiceClient.method(method), request: [UInt8]([0x0A, 0x05, 0x12]), serializer: RawBytes(),
            deserializer: ProtoDeserializer<Cloudidl.Clusterpool.GetResponse>())
          Issue.record("\(method) accepted malformed bytes")
        } catch let error as RPCError {
          #expect(error.code == .invalidArgument, "\(method)")
        }
      }
    }
  }

  @Test func twoHundredConcurrentCreatesOfOneNameHaveOneWinner() async throws {
    try await withPoolServer { pools, _ in
      let codes = await withTaskGroup(of: RPCStatusCode.self) { group in
        for i in 0..<200 {
          group.addTask { await pools.code { try await $0.create("contended", uri: "s3://bucket-\(i)") }?.0 ?? .ok }
        }
        return await group.reduce(into: [RPCStatusCode]()) { $0.append($1) }
      }
      #expect(codes.filter { $0 == .ok }.count == 1)
      #expect(codes.filter { $0 == .alreadyExists }.count == 199)
    }
  }

  @Test func poolsSurviveARestart() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pool-service-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try await withPoolServer(folder: folder) { pools, _ in
      try await pools.create("kept", uri: "s3://kept")
      try await pools.create("dropped")
      try await pools.delete("dropped")
    }
    try await withPoolServer(folder: folder) { pools, _ in
      #expect(try await pools.get("kept").config?.objectStoreRef?.uri == "s3://kept")
      #expect(await pools.code { try await $0.get("dropped") }?.0 == .notFound)
      _ = try await pools.undelete("dropped")
    }
  }
}

/// Sends bytes as they are (for malformed-request tests).
struct RawBytes: MessageSerializer {
  func serialize(_ message: [UInt8], into buffer: inout NIOCore.ByteBuffer) throws { buffer.writeBytes(message) }
}

import NIOCore
