import ClusterPoolDomain
import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import ClusterPoolSQLite
@testable import ClusterPoolStore

/// The store as a `Service` in a `ServiceGroup`: graceful shutdown finishes the writes queued
/// before it, answers later ones UNAVAILABLE, closes the file and releases its lock.
@Suite struct PoolStoreServiceTests {
  @Test func gracefulShutdownFinishesQueuedWritesThenCloses() async throws {
    let database = try TemporaryDatabase()
    defer { database.remove() }
    let store = try database.open()
    let group = ServiceGroup(configuration: .init(services: [.init(service: store)], logger: Logger(label: "test")))
    let running = Task { try await group.run() }
    let outcomes = await withTaskGroup(of: (String, DomainError?).self) { writes in
      for i in 0..<100 {
        writes.addTask {
          do {
            _ = try await store.execute(.create(key("p\(i)"), config(), sentMembers: []), by: alice)
            return ("p\(i)", nil)
          } catch let error as DomainError { return ("p\(i)", error) } catch { return ("p\(i)", DomainError(.internalError, "\(error)")) }
        }
        if i == 50 { await group.triggerGracefulShutdown() }
      }
      return await writes.reduce(into: [(String, DomainError?)]()) { $0.append($1) }
    }
    try await running.value
    for (_, error) in outcomes {
      if let error { #expect(error.code == .unavailable && error.message.contains("shutting down"), "\(error)") }
    }
    #expect(await code { _ = try await store.execute(.create(key("late"), config(), sentMembers: []), by: alice) } == .unavailable)
    #expect(!FileManager.default.fileExists(atPath: database.path + ".lock"), "the lock is released")
    let reopened = try database.open()
    #expect(outcomes.contains { $0.1 == nil })
    for (name, error) in outcomes {
      #expect((reopened.pool(key(name)) != nil) == (error == nil), "\(name): acknowledged writes only, every one of them")
    }
    await reopened.close()
  }
}
