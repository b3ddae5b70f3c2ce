import ClusterPoolDomain
import ClusterPoolProto
import ClusterPoolTesting
import Foundation
import Logging
import RPCCore
import RPCHTTP2
import Testing

@testable import ClusterPoolServer

typealias QueueID = Cloudidl.Common.QueueIdentifier
typealias WireQueue = Cloudidl.Queue.Queue

/// A typed client of QueueService over RPCClient.
struct QueueServiceClient: Sendable {
  let client: RPCClient

  func call<Req: ProtoMessage, Resp: ProtoMessage>(_ name: String, _ request: Req, _: Resp.Type = Resp.self) async throws -> Resp {
    try await client.unary(
      MethodDescriptor(service: QueueService.serviceName, method: name), request: request,
      serializer: ProtoSerializer<Req>(), deserializer: ProtoDeserializer<Resp>())
  }

  static func spec(
    run: UInt32 = 10, actions: UInt32 = 100, pool: String = "", pins: [String] = [], depth: UInt32 = 0,
    priority: Cloudidl.Queue.Priority = .unspecified, fairness: Cloudidl.Queue.FairnessAlgorithm = .unspecified
  ) -> Cloudidl.Queue.QueueSpec {
    .init(
      runConcurrency: run, actionConcurrency: actions, depth: depth, priority: priority, fairness: fairness, clusters: pins,
      clusterPoolName: pool)
  }

  @discardableResult
  func create(_ name: String, _ spec: Cloudidl.Queue.QueueSpec = spec(), org: String = "") async throws -> WireQueue {
    let response: Cloudidl.Queue.CreateQueueResponse = try await call(
      "CreateQueue", Cloudidl.Queue.CreateQueueRequest(id: QueueID(organization: org, name: name), spec: spec, state: .active))
    return try #require(response.queue)
  }

  func get(_ name: String, org: String = "") async throws -> WireQueue {
    let response: Cloudidl.Queue.GetQueueResponse = try await call(
      "GetQueue", Cloudidl.Queue.GetQueueRequest(id: QueueID(organization: org, name: name)))
    return try #require(response.queue)
  }

  @discardableResult
  func update(_ name: String, _ spec: Cloudidl.Queue.QueueSpec) async throws -> WireQueue {
    let response: Cloudidl.Queue.UpdateQueueResponse = try await call(
      "UpdateQueue", Cloudidl.Queue.UpdateQueueRequest(id: QueueID(name: name), spec: spec))
    return try #require(response.queue)
  }

  @discardableResult
  func setState(_ name: String, _ state: Cloudidl.Queue.QueueState, expected: UInt64 = 0) async throws -> WireQueue {
    let response: Cloudidl.Queue.UpdateQueueStateResponse = try await call(
      "UpdateQueueState",
      Cloudidl.Queue.UpdateQueueStateRequest(id: QueueID(name: name), state: state, expectedStateGeneration: expected))
    return try #require(response.queue)
  }

  @discardableResult
  func delete(_ name: String, expected: UInt64 = 0) async throws -> WireQueue {
    let response: Cloudidl.Queue.DeleteQueueResponse = try await call(
      "DeleteQueue", Cloudidl.Queue.DeleteQueueRequest(id: QueueID(name: name), expectedStateGeneration: expected))
    return try #require(response.queue)
  }

  @discardableResult
  func undelete(_ name: String) async throws -> WireQueue {
    let response: Cloudidl.Queue.UndeleteQueueResponse = try await call(
      "UndeleteQueue", Cloudidl.Queue.UndeleteQueueRequest(id: QueueID(name: name)))
    return try #require(response.queue)
  }

  func list(
    org: String = "", limit: UInt32 = 0, token: String = "", filters: [Cloudidl.Common.Filter] = []
  ) async throws -> Cloudidl.Queue.ListQueuesResponse {
    try await call(
      "ListQueues", Cloudidl.Queue.ListQueuesRequest(organization: org, request: .init(limit: limit, token: token, filters: filters)))
  }

  /// The status code and message of a failing call (nil when it succeeded).
  func code(_ body: () async throws -> Void) async -> (RPCStatusCode, String)? {
    do {
      try await body()
      return nil
    } catch let error as RPCError {
      return (error.code, error.message)
    } catch {
      return (.unknown, "\(error)")
    }
  }
}

extension WireQueue {
  /// The names of `status.available_clusters`.
  var available: [String] { status?.availableClusters.map(\.name) ?? [] }
  var state: Cloudidl.Queue.QueueState { status?.state ?? .unspecified }
  var generation: UInt64 { status?.stateGeneration ?? 0 }
}

/// Starts the server (``LocalServer``: the pool, cluster and queue services among the rest) on
/// a fresh SQLite file (or on `pools.db` in `folder`, kept to reopen), in organization `acme`
/// as `tester`.
func withQueueServer(
  heartbeatTimeout: Duration = .seconds(60), folder: String? = nil,
  _ body: (PoolServiceClient, ClusterServiceClient, QueueServiceClient, ServerApplication) async throws -> Void
) async throws {
  try await withLocalServer(.acme(folder: folder, heartbeatTimeout: heartbeatTimeout)) { client, server in
    try await body(
      PoolServiceClient(client: client), ClusterServiceClient(client: client), QueueServiceClient(client: client), server.assembly.app)
  }
}
