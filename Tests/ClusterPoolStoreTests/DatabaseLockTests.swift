import ClusterPoolDomain
import Foundation
import Testing

@testable import ClusterPoolSQLite
@testable import ClusterPoolStore

/// One store per database file: `FILE.lock` is taken before the database is touched and
/// released (and removed) when the store closes.
@Suite struct DatabaseLockTests {
  @Test func aSecondOpenIsRefusedNamingThePathAndTheHolder() async throws {
    try await TemporaryDatabase.with { database, store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      let lockFile = database.path + ".lock"
      #expect(try String(contentsOfFile: lockFile, encoding: .utf8) == "\(getpid())\n")
      let before = try FileManager.default.contentsOfDirectory(atPath: database.directory.path).sorted()
      #expect(throws: StoreOpenError.self) { _ = try database.open() }
      do { _ = try database.open() } catch {
        #expect("\(error)" == "database \(database.path) is in use by another clusterpool-server (pid \(getpid()))")
      }
      #expect(try FileManager.default.contentsOfDirectory(atPath: database.directory.path).sorted() == before)
      // the first store is unaffected
      _ = try await store.execute(.create(key("later"), config(), sentMembers: []), by: alice)
      #expect(store.pool(key("prod")) != nil)
    }
  }

  @Test func closingReleasesTheLockAndRemovesItsFile() async throws {
    let database = try TemporaryDatabase()
    defer { database.remove() }
    let first = try database.open()
    await first.close()
    #expect(!FileManager.default.fileExists(atPath: database.path + ".lock"))
    let second = try database.open()
    #expect(FileManager.default.fileExists(atPath: database.path + ".lock"))
    await second.close()
  }

  @Test func aStaleLockFileIsTakenOver() async throws {
    let database = try TemporaryDatabase()
    defer { database.remove() }
    // left by a server that was killed: the file stays, its lock went with the process
    try "999999\n".write(toFile: database.path + ".lock", atomically: false, encoding: .utf8)
    let store = try database.open()
    #expect(try String(contentsOfFile: database.path + ".lock", encoding: .utf8) == "\(getpid())\n")
    await store.close()
  }

  @Test func aFailedOpenReleasesTheLock() async throws {
    let database = try TemporaryDatabase()
    defer { database.remove() }
    try "not a database".write(toFile: database.path, atomically: false, encoding: .utf8)
    #expect(throws: StoreOpenError.self) { _ = try database.open() }
    #expect(!FileManager.default.fileExists(atPath: database.path + ".lock"))
    try FileManager.default.removeItem(atPath: database.path)
    let store = try database.open()
    await store.close()
  }
}
