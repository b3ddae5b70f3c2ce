import ClusterPoolPostgres
import Foundation

/// A database of its own on the private PostgreSQL of tools/test (CLUSTERPOOL_TEST_POSTGRES_URL),
/// made and dropped synchronously with `psql`, so that ``StoreKind`` can offer PostgreSQL like
/// its other backends. Without the URL, PostgreSQL is left out locally; in CI (`CI=true`) the
/// first use fails naming the variable.
struct TestPostgresDatabase {
  static let variable = "CLUSTERPOOL_TEST_POSTGRES_URL"
  static let environment = ProcessInfo.processInfo.environment
  static let enabled = environment[variable] != nil || environment["CI"] == "true"

  let url: PostgresURL
  private let admin: String
  private let name: String

  init() throws {
    guard let admin = Self.environment[Self.variable], !admin.isEmpty else { throw Missing() }
    self.admin = admin
    name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    try Self.psql(admin, "CREATE DATABASE \(name)")
    var url = try PostgresURL(parsing: admin)
    url.database = name
    self.url = url
  }

  /// Drops the database, closing what is still connected to it.
  func drop() { try? Self.psql(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }

  struct Missing: Error, CustomStringConvertible {
    var description: String {
      "\(TestPostgresDatabase.variable) is not set: run the tests through tools/test, which starts PostgreSQL, or "
        + "`eval \"$(tools/postgres start)\"` first"
    }
  }

  struct Failed: Error, CustomStringConvertible { var description: String }

  private static func psql(_ url: String, _ sql: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failed(description: "psql \(sql) failed: \(String(decoding: message, as: UTF8.self))")
    }
  }
}
