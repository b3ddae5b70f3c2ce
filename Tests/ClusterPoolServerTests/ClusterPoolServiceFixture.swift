import ClusterPoolDomain
import ClusterPoolProto
import ClusterPoolTesting
import Foundation
import Logging
import RPCCore
import RPCHTTP2

@testable import ClusterPoolServer

typealias Pool = Cloudidl.Clusterpool.ClusterPool
typealias PoolID = Cloudidl.Common.ClusterPoolIdentifier

/// A real server (SQLite file in a temporary directory, RPCServer on a loopback port) and a
/// typed client of ClusterPoolService over RPCClient.
struct PoolServiceClient: Sendable {
  let client: RPCClient

  static func method(_ name: String) -> MethodDescriptor {
    MethodDescriptor(service: ClusterPoolService.serviceName, method: name)
  }

  func call<Req: ProtoMessage, Resp: ProtoMessage>(_ name: String, _ request: Req, _: Resp.Type = Resp.self) async throws -> Resp {
    try await client.unary(
      Self.method(name), request: request, serializer: ProtoSerializer<Req>(), deserializer: ProtoDeserializer<Resp>())
  }

  func create(_ name: String, uri: String = "s3://bucket/\(UUID().uuidString.prefix(8))", type: Cloudidl.Common.SecretStore.SecretStoreType = .awsSecretsManager, org: String = "", registry: String = "", members: [String] = []) async throws {
    let pool = Pool(
      id: PoolID(organization: org, name: name),
      memberClusters: members.map { .init(organization: org, name: $0) },
      config: .init(objectStoreRef: .init(uri: uri), secretStore: .init(type: type, locator: "us-east-1"), imageRegistry: .init(locator: registry)))
    let _: Cloudidl.Clusterpool.CreateResponse = try await call("Create", Cloudidl.Clusterpool.CreateRequest(clusterPool: pool))
  }

  func get(_ name: String, org: String = "") async throws -> Pool {
    let response: Cloudidl.Clusterpool.GetResponse = try await call("Get", Cloudidl.Clusterpool.GetRequest(id: PoolID(organization: org, name: name)))
    return try #require(response.clusterPool)
  }

  func update(_ pool: Pool) async throws {
    let _: Cloudidl.Clusterpool.UpdateResponse = try await call("Update", Cloudidl.Clusterpool.UpdateRequest(clusterPool: pool))
  }

  func delete(_ name: String, org: String = "") async throws {
    let _: Cloudidl.Clusterpool.DeleteResponse = try await call("Delete", Cloudidl.Clusterpool.DeleteRequest(id: PoolID(organization: org, name: name)))
  }

  func undelete(_ name: String, org: String = "") async throws -> Pool {
    let response: Cloudidl.Clusterpool.UndeleteResponse = try await call("Undelete", Cloudidl.Clusterpool.UndeleteRequest(id: PoolID(organization: org, name: name)))
    return try #require(response.clusterPool)
  }

  func list(org: String = "", limit: UInt32 = 0, token: String = "", filters: [Cloudidl.Common.Filter] = []) async throws -> Cloudidl.Clusterpool.ListResponse {
    try await call("List", Cloudidl.Clusterpool.ListRequest(organization: org, request: .init(limit: limit, token: token, filters: filters)))
  }

  /// The status code a failing call reports (nil when it succeeded).
  func code(_ body: (PoolServiceClient) async throws -> Void) async -> (RPCStatusCode, String)? {
    do {
      try await body(self)
      return nil
    } catch let error as RPCError {
      return (error.code, error.message)
    } catch {
      return (.unknown, "\(error)")
    }
  }
}

import Testing

/// Starts the server (``LocalServer``, organization `acme`) on a fresh SQLite file, or on
/// `pools.db` in `folder` (kept: a later server reopens it); `body` gets a client.
func withPoolServer(
  folder: String? = nil, _ body: (PoolServiceClient, ServerApplication) async throws -> Void
) async throws {
  try await withLocalServer(.acme(folder: folder)) { client, server in
    try await body(PoolServiceClient(client: client), server.assembly.app)
  }
}
