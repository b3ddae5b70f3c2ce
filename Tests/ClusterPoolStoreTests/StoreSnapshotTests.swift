import ClusterPoolDomain
import Foundation
import Synchronization
import Testing

@testable import ClusterPoolStore

/// One published snapshot per commit: readers in a loop never see a commit's pools without
/// its clusters (or the other way round) while writers move clusters between pools.
@Suite struct StoreSnapshotTests {
  /// Every live cluster is a member of its pool, and every member of a pool is a live cluster
  /// registered into it; nil when it holds, else what breaks it.
  static func violation(_ snapshot: StoreSnapshot, pools: [String]) -> String? {
    for cluster in snapshot.clusters(in: acme) {
      guard snapshot.pool(cluster.poolKey)?.memberClusters.contains(cluster.key.name) == true else {
        return "live cluster \(cluster.key.name) is no member of its pool \(cluster.poolName) (revision \(snapshot.revision))"
      }
    }
    for name in pools {
      for member in snapshot.pool(key(name))?.memberClusters ?? [] {
        let cluster = snapshot.cluster(ClusterKey(organization: acme, name: member))
        guard let cluster, cluster.isLive, cluster.poolName.value == name else {
          return "pool \(name) lists \(member), which is not a live cluster in it (revision \(snapshot.revision))"
        }
      }
    }
    return nil
  }

  @Test(arguments: StoreKind.allCases)
  func readersNeverSeeATornCommit(_ kind: StoreKind) async throws {
    try await kind.with { store in
      let pools = ["east", "west"]
      for name in pools { _ = try await store.execute(.create(key(name), config(), sentMembers: []), by: alice) }
      let names = (0..<8).map { clusterKey("c\($0)") }
      for name in names { _ = try await store.registerCluster(name, into: pool("east"), by: alice) }
      let done = Flag()
      let readers = Task {
        await withTaskGroup(of: (Int, String?).self) { group in
          for _ in 0..<2 {
            group.addTask {
              var reads = 0
              while !done.value.load(ordering: .relaxed) {
                reads += 1
                if let broken = Self.violation(store.snapshot(), pools: pools) { return (reads, broken) }
                await Task.yield()
              }
              return (reads, nil)
            }
          }
          return await group.reduce(into: (0, String?.none)) { $0 = ($0.0 + $1.0, $0.1 ?? $1.1) }
        }
      }
      for round in 0..<40 {
        let target = pool(pools[(round + 1) % 2])
        await withTaskGroup(of: Void.self) { group in
          for name in names {
            group.addTask {
              _ = try? await store.changeCluster(name, .delete(expectedGeneration: nil), by: alice)
              _ = try? await store.registerCluster(name, into: target, by: alice)
            }
          }
        }
      }
      done.value.store(true, ordering: .relaxed)
      let (reads, broken) = await readers.value
      #expect(broken == nil)
      #expect(reads > 0)
      #expect(Self.violation(store.snapshot(), pools: pools) == nil)
      #expect(store.pool(key("east"))?.memberClusters == names.map(\.name))  // 40 moves: back where they began
    }
  }
}

/// A flag shared between tasks.
final class Flag: Sendable {
  let value = Atomic<Bool>(false)
}
