import ClusterPoolDomain
import Foundation
import Testing

@testable import ClusterPoolSQLite
@testable import ClusterPoolStore

/// Queue caps in the queue row (migration 6): written, read back in the order sent across a
/// reopen, replaced by an update; a database of schema 5 migrates with its queues uncapped.
@Suite struct QueueCapsStoreTests {
  static let caps = (
    resources: [
      ResourceCap(resource: 1, quantity: KubernetesQuantity("500m")!),
      ResourceCap(resource: 3, quantity: KubernetesQuantity("16Gi")!),
    ],
    accelerators: [
      AcceleratorCap(deviceClass: 0, device: "nvidia-h100", partitioning: .unpartitioned(true), model: 13, count: 8),
      AcceleratorCap(deviceClass: 0, device: "", partitioning: .unpartitioned(false), count: 2),
      AcceleratorCap(deviceClass: 0, device: "nvidia-a100 \"x\"", partitioning: .size("1g.5gb"), model: 9, count: 1 << 40),
    ]
  )

  @Test func capsSurviveReopenAndUpdates() async throws {
    try await TemporaryDatabase.with { database, store in
      let spec = QueueSpec(
        scheduling: 2, poolName: .defaultName, maxResources: Self.caps.resources, maxAccelerators: Self.caps.accelerators)
      let created = try await store.createQueue(queueKey("gpu"), spec, state: .active, by: alice)
      #expect(created.spec == spec)
      var uncapped = spec
      uncapped.maxResources = []
      _ = try await store.updateQueue(queueKey("default"), QueueSpec(poolName: .defaultName, maxResources: Self.caps.resources), by: alice)
      await store.close()
      let reopened = try database.open()
      #expect(reopened.queue(queueKey("gpu"))?.spec == spec)
      #expect(reopened.queue(queueKey("default"))?.spec.maxResources == Self.caps.resources)
      _ = try await reopened.updateQueue(queueKey("gpu"), uncapped, by: alice)
      await reopened.close()
      let again = try database.open()
      #expect(again.queue(queueKey("gpu"))?.spec == uncapped)
      await again.close()
    }
  }

  @Test func schemaFiveDatabaseMigrates() async throws {
    let database = try TemporaryDatabase()
    defer { database.remove() }
    do {
      let connection = try SQLiteConnection(path: database.path)
      for migration in SQLiteSchema.migrations.prefix(5) { try connection.executeScript(migration) }
      try connection.run(
        """
        INSERT INTO queues (organization, name, pool_name, created_at_ns, updated_at_ns, run_concurrency)
        VALUES ('acme', 'old', 'default', 1, 1, 7)
        """)
      #expect(try connection.integer("PRAGMA user_version") == 5)
      connection.close()
    }
    let store = try database.open()
    let old = store.queue(queueKey("old"))
    #expect(old?.spec.runConcurrency == 7 && old?.spec.maxResources == [] && old?.spec.maxAccelerators == [])
    // (a first write into the organization's default pool makes its row)
    _ = try await store.createQueue(queueKey("new"), QueueSpec(poolName: .defaultName), state: .active, by: alice)
    _ = try await store.updateQueue(
      queueKey("old"), QueueSpec(poolName: .defaultName, maxAccelerators: Self.caps.accelerators), by: alice)
    await store.close()
    let reopened = try database.open()
    #expect(reopened.queue(queueKey("old"))?.spec.maxAccelerators == Self.caps.accelerators)
    await reopened.close()
  }
}
