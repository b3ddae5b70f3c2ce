import Foundation
import Testing

@testable import ClusterPoolPostgres

/// The password from the URL, `--database-password-file` or CLUSTERPOOL_DATABASE_PASSWORD.
@Suite struct PostgresCredentialsTests {
  let bare = try! PostgresURL(parsing: "postgres://app@db/pools")

  @Test func theFileGivesThePasswordWithoutItsNewline() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString)")
    try "from-file\n".write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let url = try PostgresCredentials.resolve(bare, passwordFile: file.path, environment: ["CLUSTERPOOL_DATABASE_PASSWORD": "env"])
    #expect(url.password == "from-file")
    let withPassword = try PostgresURL(parsing: "postgres://app:inline@db/pools")
    #expect(throws: PostgresURLError("the password is given twice: in the URL and by --database-password-file")) {
      try PostgresCredentials.resolve(withPassword, passwordFile: file.path, environment: [:])
    }
  }

  @Test func theEnvironmentGivesItWhenNothingElseDoes() throws {
    #expect(try PostgresCredentials.resolve(bare, passwordFile: nil, environment: ["CLUSTERPOOL_DATABASE_PASSWORD": "env"]).password == "env")
    let withPassword = try PostgresURL(parsing: "postgres://app:inline@db/pools")
    #expect(try PostgresCredentials.resolve(withPassword, passwordFile: nil, environment: ["CLUSTERPOOL_DATABASE_PASSWORD": "env"]).password == "inline")
    #expect(try PostgresCredentials.resolve(bare, passwordFile: nil, environment: [:]).password == nil)
  }

  @Test func anUnreadableOrEmptyFileIsNamed() throws {
    #expect(throws: PostgresURLError("cannot read --database-password-file /nonexistent/pw: no such file")) {
      try PostgresCredentials.resolve(bare, passwordFile: "/nonexistent/pw", environment: [:])
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString)")
    try "\n".write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    #expect(throws: PostgresURLError("--database-password-file \(file.path) is empty")) {
      try PostgresCredentials.resolve(bare, passwordFile: file.path, environment: [:])
    }
  }
}
