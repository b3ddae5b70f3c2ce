import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

@testable import ClusterPoolPostgres

/// The private PostgreSQL of the test run (tools/test, tools/postgres): its URL comes from
/// CLUSTERPOOL_TEST_POSTGRES_URL. Without it, tests that need it are skipped locally and fail
/// in CI (`CI=true`), where tools/test always starts one.
enum TestPostgres {
  static let variable = "CLUSTERPOOL_TEST_POSTGRES_URL"
  static let environment = ProcessInfo.processInfo.environment
  /// Whether the tests that need PostgreSQL run: always in CI, where a missing URL fails them.
  static let enabled = environment[variable] != nil || environment["CI"] == "true"

  /// The instance's URL (user and database `clusterpool`).
  static func url() throws -> PostgresURL {
    guard let text = environment[variable], !text.isEmpty else {
      throw Missing()
    }
    return try PostgresURL(parsing: text)
  }

  struct Missing: Error, CustomStringConvertible {
    var description: String {
      "\(TestPostgres.variable) is not set: run the tests through tools/test, which starts PostgreSQL, or "
        + "`eval \"$(tools/postgres start)\"` first"
    }
  }

  /// Runs `body` with the URL of a database of its own, created for it and dropped after it.
  static func withFreshDatabase<R>(_ body: (PostgresURL) async throws -> R) async throws -> R {
    let admin = try url()
    let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    try await execute("CREATE DATABASE \(name)", on: admin)
    var fresh = admin
    fresh.database = name
    do {
      let result = try await body(fresh)
      try await execute("DROP DATABASE \(name) WITH (FORCE)", on: admin)
      return result
    } catch {
      try? await execute("DROP DATABASE \(name) WITH (FORCE)", on: admin)
      throw error
    }
  }

  /// Runs one statement (text made by the test, not user input) on `url`'s database.
  static func execute(_ sql: String, on url: PostgresURL) async throws {
    let database = try PostgresStoreClient(url: url, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    defer { Task { await database.close() } }
    try await database.withConnection("run \(sql)") { connection in
      _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test")).get()
      return ()
    }
    await database.close()
  }
}

/// A swift-log handler keeping every line (label, level, message, metadata) for inspection.
final class CapturedLog: Sendable {
  let lines = Mutex<[String]>([])

  var logger: Logger {
    var logger = Logger(label: "captured") { label in Handler(label: label, sink: self) }
    logger.logLevel = .trace
    return logger
  }

  var all: [String] { lines.withLock { $0 } }

  struct Handler: LogHandler {
    let label: String
    let sink: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
      let merged = metadata.merging(event.metadata ?? [:]) { $1 }
      sink.lines.withLock { $0.append("\(label) \(event.level) \(event.message) \(merged)") }
    }
  }
}
