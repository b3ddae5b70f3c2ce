import Foundation
import Logging
import PostgresNIO
import Testing

@testable import ClusterPoolPostgres

/// Connecting to the real PostgreSQL of tools/test: failures name HOST:PORT/DATABASE and the
/// cause, and the password appears in no error and no log line, postgres-nio's included.
@Suite(.enabled(if: TestPostgres.enabled, "needs CLUSTERPOOL_TEST_POSTGRES_URL (tools/test)"))
struct PostgresStoreClientTests {
  @Test func connectsAndNeverLogsThePassword() async throws {
    let url = try TestPostgres.url()
    let password = try #require(url.password)
    let log = CapturedLog()
    let database = try PostgresStoreClient(url: url, logger: log.logger)
    let user = try await database.withConnection("read the user") { connection in
      var user = ""
      for try await name in try await connection.query("SELECT current_user", logger: log.logger).decode(String.self) {
        user = name
      }
      return user
    }
    await database.close()
    #expect(user == url.user)
    #expect(!log.all.isEmpty, "postgres-nio logged nothing at trace level: the capture is not wired")
    for line in log.all { #expect(!line.contains(password), "a log line holds the password: \(line)") }
  }

  @Test func aWrongPasswordIsNamedWithoutTheTriedPassword() async throws {
    var url = try TestPostgres.url()
    url.password = "wrong-hunter2-\(UUID().uuidString)"
    let log = CapturedLog()
    let database = try PostgresStoreClient(url: url, leaseTimeout: .seconds(3), logger: log.logger)
    let start = ContinuousClock.now
    await #expect(throws: PostgresDatabaseError.self) {
      try await database.withConnection("connect") { _ in () }
    }
    do {
      try await database.withConnection("connect") { _ in () }
    } catch {
      #expect(error.description.hasPrefix("PostgreSQL \(url.endpoint): connect: "), "\(error)")
      #expect(error.description.contains("password authentication failed"), "\(error)")
      #expect(!error.description.contains("hunter2"), "\(error)")
    }
    #expect(ContinuousClock.now - start < .seconds(20))
    await database.close()
    #expect(!log.all.isEmpty)
    for line in log.all { #expect(!line.contains("hunter2"), "a log line holds the password: \(line)") }
  }

  @Test func anUnreachableDatabaseFailsFastNamingItsEndpoint() async throws {
    let closedPort = try freePort()
    let url = try PostgresURL(parsing: "postgres://app:hunter2@127.0.0.1:\(closedPort)/pools?sslmode=disable")
    let log = CapturedLog()
    let database = try PostgresStoreClient(url: url, leaseTimeout: .seconds(2), logger: log.logger)
    let start = ContinuousClock.now
    do {
      try await database.withConnection("begin a write") { _ in () }
      Issue.record("a connection to a closed port succeeded")
    } catch {
      #expect(error.description.hasPrefix("PostgreSQL 127.0.0.1:\(closedPort)/pools: begin a write: "), "\(error)")
      #expect(error.description.lowercased().contains("refused"), "\(error)")
      #expect(!error.description.contains("hunter2"))
    }
    // About 1 s alone (the refused connect, within the 2 s lease timeout); the bound allows for
    // the whole suite running in parallel on 2 cores (4.5 s and 10.9 s seen there), and still
    // tells a fast failure from a hang.
    #expect(ContinuousClock.now - start < .seconds(30))
    await database.close()
    for line in log.all { #expect(!line.contains("hunter2"), "a log line holds the password: \(line)") }
  }
}

/// A loopback port with nothing listening (bound, read, closed).
func freePort() throws -> Int {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = 0
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  try withUnsafeMutablePointer(to: &address) { pointer in
    try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
      guard bind(fd, raw, length) == 0, getsockname(fd, raw, &length) == 0 else { throw POSIXError(.EADDRINUSE) }
    }
  }
  return Int(UInt16(bigEndian: address.sin_port))
}
