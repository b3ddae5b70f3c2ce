import ClusterPoolDomain
import ClusterPoolProto
import ClusterPoolSQLite
import ClusterPoolStore
import Foundation
import Logging
import RPCCore
import Testing

@testable import ClusterPoolServer

extension ClusterServiceClient {
  /// The queue service on the same connection.
  var queues: QueueServiceClient { QueueServiceClient(client: client) }
}

/// Reads WatchClusters messages until `name` shows `state`; returns the states it showed on
/// the way, consecutive repeats (health changes) folded.
/// `after`: the state the cluster was last seen in; summaries still showing it before the first
/// change are skipped (a watcher may be told again of a cluster whose state did not change, e.g.
/// its health or its implicit queue's, published after the state it was waited for).
func states(
  of name: String, until state: Cloudidl.Cluster.ClusterState, after previous: Cloudidl.Cluster.ClusterState? = nil,
  in events: inout WatchEvents
) async throws -> [Cloudidl.Cluster.ClusterState] {
  var seen: [Cloudidl.Cluster.ClusterState] = []
  while seen.last != state {
    guard let message = try await events.next() else {
      Issue.record("the watch ended before \(name) was \(state); it showed \(seen)")
      return seen
    }
    for summary in message.clusters where summary.id?.name == name {
      let shown = summary.drainStatus?.overallState ?? .unspecified
      if seen.isEmpty && shown == previous { continue }
      if seen.last != shown { seen.append(shown) }
    }
  }
  return seen
}

/// Issue 9.8: a cluster that ever reported leaves DRAINING and DELETING by a zero-load report,
/// DELETING also by silence for the heartbeat timeout; each a durable write that its implicit
/// queue follows and watchers see.
@Suite(.timeLimit(.minutes(2))) struct ClusterServiceDrainTests {
  /// An UpdateStatus carrying `load` as `status.capabilities.execution_load`.
  func report(_ load: ExecutionLoad, of name: String, _ clusters: ClusterServiceClient) async throws {
    let wire = Cloudidl.Cluster.ExecutionLoad(
      activeExecutionsCount: Int32(load.activeExecutions), activeNodeExecutionsCount: Int32(load.activeNodeExecutions),
      activeTaskExecutionsCount: Int32(load.activeTaskExecutions))
    let _: Cloudidl.Cluster.UpdateStatusResponse = try await clusters.call(
      "UpdateStatus",
      Cloudidl.Cluster.UpdateStatusRequest(clusterId: ClusterID(name: name), status: .init(capabilities: .init(executionLoad: wire))))
  }

  @Test func zeroLoadReportsDrainThenDeleteAReportingCluster() async throws {
    let busy = ExecutionLoad(activeExecutions: 1, activeNodeExecutions: 4, activeTaskExecutions: 9)
    try await withClusterServer { pools, clusters, _ in
      try await pools.create("prod")
      try await clusters.create("c1", pool: "prod")
      try await clusters.heartbeat("c1")
      try await clusters.watch { events in
        _ = try await events.next()
        #expect(try await clusters.setState("c1", .draining).drainStatus?.overallState == .draining)
        #expect(try await states(of: "c1", until: .draining, after: .active, in: &events) == [.draining])
        // load left, or no word on it: still DRAINING, however many reports
        try await report(busy, of: "c1", clusters)
        for _ in 0..<50 {
          try await clusters.heartbeat("c1")
          try await clusters.report("c1", uri: "s3://x")
        }
        let draining = try await clusters.get("c1")
        #expect(draining.drainStatus?.overallState == .draining && draining.drainStatus?.generation == 2)
        #expect(try await clusters.queues.get("c1").state == .draining)
        try await report(ExecutionLoad(), of: "c1", clusters)
        // answered after the durable write: a missed transition fails here, not at the time limit
        try #require(try await clusters.get("c1").drainStatus?.overallState == .drained)
        #expect(try await states(of: "c1", until: .drained, in: &events).last == .drained)
        let drained = try await clusters.get("c1")
        #expect(drained.drainStatus?.overallState == .drained && drained.drainStatus?.generation == 3)
        #expect(try await clusters.queues.get("c1").state == .drained)

        _ = try await clusters.setState("c1", .active)
        #expect(try await states(of: "c1", until: .active, after: .drained, in: &events) == [.active])
        #expect(try await clusters.delete("c1").drainStatus?.overallState == .deleting)
        #expect(try await states(of: "c1", until: .deleting, after: .active, in: &events) == [.deleting])
        try await report(busy, of: "c1", clusters)
        #expect(try await clusters.get("c1").drainStatus?.overallState == .deleting)
        #expect(try await pools.get("prod").memberClusters.map(\.name) == ["c1"])
        try await report(ExecutionLoad(), of: "c1", clusters)
        try #require(try await clusters.get("c1", includeDeleted: true).drainStatus?.overallState == .deleted)
        #expect(try await states(of: "c1", until: .deleted, in: &events).last == .deleted)
      }
      let deleted = try await clusters.get("c1", includeDeleted: true)
      #expect(deleted.drainStatus?.overallState == .deleted && deleted.drainStatus?.generation == 6 && deleted.deletedAt != nil)
      #expect(try await clusters.queues.get("c1").state == .deleted)
      #expect(try await pools.get("prod").memberClusters == [])
      let after = await clusters.code { try await clusters.heartbeat("c1") }
      #expect(after?.0 == .notFound)
    }
  }

  @Test func aSilentDeletingClusterIsDeletedByItselfDurably() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-silent-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try await withClusterServer(heartbeatTimeout: .seconds(2), in: directory) { pools, clusters, _ in
      try await pools.create("prod")
      try await pools.create("other")
      try await clusters.create("c1", pool: "prod")
      try await clusters.watch { events in
        _ = try await events.next()
        try await clusters.heartbeat("c1")
        let deleting = try await clusters.delete("c1")
        #expect(deleting.drainStatus?.overallState == .deleting)
        // no request causes this: the keeper wakes at the timeout and deletes it (a watcher
        // reads a cluster when told of it, so a slow one may see DELETED for DELETING too)
        let seen = try await states(of: "c1", until: .deleted, in: &events)
        let order: [Cloudidl.Cluster.ClusterState] = [.active, .deleting, .deleted]
        #expect(seen.last == .deleted && seen.allSatisfy(order.contains), "\(seen)")
        #expect(seen == seen.sorted { $0.rawValue < $1.rawValue }, "\(seen)")
      }
      let deleted = try await clusters.get("c1", includeDeleted: true)
      #expect(deleted.drainStatus?.overallState == .deleted && deleted.drainStatus?.generation == 3)
      #expect(deleted.authorship?.updatedBy == wireUser("tester"))
      #expect(try await clusters.queues.get("c1").state == .deleted)
      #expect(try await pools.get("prod").memberClusters == [])
    }
    try await withClusterServer(in: directory) { pools, clusters, _ in
      #expect(try await clusters.get("c1", includeDeleted: true).drainStatus?.overallState == .deleted)
      try await clusters.create("c1", pool: "other")  // its name is free
      #expect(try await clusters.get("c1").drainStatus?.overallState == .active)
      let queue = try await clusters.queues.get("c1")
      #expect(queue.state == .active && queue.spec?.clusterPoolName == "other")
      #expect(try await pools.get("other").memberClusters.map(\.name) == ["c1"])
    }
  }

  @Test func aDeleteOfAClusterSilentForTheTimeoutIsDeletedAtOnce() async throws {
    try await withClusterServer(heartbeatTimeout: .milliseconds(300)) { pools, clusters, _ in
      try await pools.create("prod")
      try await clusters.create("c1", pool: "prod")
      try await clusters.watch { events in
        _ = try await events.next()
        try await clusters.heartbeat("c1")
        _ = try await events.next()  // healthy
        #expect(try await events.next()?.clusters.first?.health?.status == .unhealthy)  // the timeout passed
      }
      let deleted = try await clusters.delete("c1")
      #expect(deleted.drainStatus?.overallState == .deleted && deleted.deletedAt != nil)
      #expect(try await clusters.queues.get("c1").state == .deleted)
    }
  }

  @Test func deletingClustersFromBeforeARestartAreWatchedFromTheStart() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-deleting-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    // silent since before the restart: its health was saved at shutdown
    try await withClusterServer(in: directory) { pools, clusters, _ in
      try await pools.create("prod")
      for name in ["saved", "unsaved"] { try await clusters.create(name, pool: "prod") }
      try await clusters.heartbeat("saved")
      #expect(try await clusters.delete("saved").drainStatus?.overallState == .deleting)
    }
    // it reported, then a crash before any health was saved: no health at the next start
    try await withStoreAt(directory) { store in
      let key = ClusterKey(organization: try Organization(validating: "acme"), name: try ResourceName(validating: "unsaved"))
      _ = try await store.changeCluster(key, .report(.alive), by: .user(subject: "tester"))
      #expect(try await store.changeCluster(key, .delete(expectedGeneration: nil), by: .user(subject: "tester")).lifecycle.state == .deleting)
    }
    try await withClusterServer(heartbeatTimeout: .milliseconds(500), in: directory) { pools, clusters, _ in
      try await clusters.watch { events in
        // both followed at once: when one sweep finds both silent, either may be deleted first
        let live = try #require(try await events.next()).clusters.compactMap { $0.id?.name }
        var waiting = Set(live).intersection(["saved", "unsaved"])
        while !waiting.isEmpty {
          guard let message = try await events.next() else {
            Issue.record("the watch ended before \(waiting.sorted()) were deleted")
            return
          }
          for summary in message.clusters where summary.drainStatus?.overallState == .deleted {
            waiting.remove(summary.id?.name ?? "")
          }
        }
      }
      for name in ["saved", "unsaved"] {
        #expect(try await clusters.get(name, includeDeleted: true).drainStatus?.overallState == .deleted, "\(name)")
      }
      #expect(try await pools.get("prod").memberClusters == [])
    }
  }
}

/// The wire identity (as in `authorship`) of user `subject`.
func wireUser(_ subject: String) -> Cloudidl.Common.EnrichedIdentity? {
  ClusterPoolMessages.identity(.user(subject: subject))
}

/// Opens the store `withClusterServer(in: directory)` uses, without a server, then closes it.
func withStoreAt(_ directory: URL, _ body: (SQLiteClusterPoolStore) async throws -> Void) async throws {
  let template = DefaultPoolTemplate(
    config: try ClusterPoolConfig(objectStoreURI: "file:///var/lib/clusterpool/default", secretStoreType: 4),
    createdBy: .application(subject: "clusterpool-server"), createdAt: Timestamp(nanosecondsSinceEpoch: 0))
  let store = try SQLiteClusterPoolStore(
    path: directory.appendingPathComponent("pools.db").path, defaultPool: template, logger: Logger(label: "cluster-test"))
  do {
    try await body(store)
  } catch {
    await store.close()
    throw error
  }
  await store.close()
}
