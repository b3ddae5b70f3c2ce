import ArgumentParser
import ClusterPoolPostgres
import ClusterPoolSQLite
import ClusterPoolStore
import Foundation
import Logging

/// `clusterpool-server migrate`: copies an embedded store (an SQLite file) into an empty
/// PostgreSQL database, then reads the copy back and compares it with the source.
struct MigrateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "migrate",
    abstract: "Copy an SQLite pool database into an empty PostgreSQL database and verify the copy.",
    discussion: """
      Copies every pool, cluster, queue, saved health and identity row (deleted ones too) with \
      its revision, generation, authorship and times, the signing keys of access tokens (tokens \
      issued before the move still verify) and the audit log (every chain as it is), in one \
      transaction, into a PostgreSQL database holding none (its schema is created); a server \
      started on it continues above the copied revisions and at the end of each audit chain. \
      Then loads the copy, compares it with the source row by row and verifies the audit log. \
      The source must not be in use: a server running on it is refused (stop it first). \
      Prints the counts and the revision, e.g. "copied 3 pools, 6 clusters, 7 queues, \
      4 health rows, 1 signing key, 25 audit records; revision 42; verified", and exits 0; \
      exits 1 naming the cause otherwise.
      """)

  @Option(help: ArgumentHelp("The SQLite pool database to copy (the server's --database file).", valueName: "file"))
  var from: String

  @Option(
    help: ArgumentHelp(
      """
      The PostgreSQL database to copy into, postgres://USER@HOST:PORT/DATABASE?sslmode=require \
      (as the server's --database), its password from --database-password-file FILE (never \
      logged) or $CLUSTERPOOL_DATABASE_PASSWORD rather than the URL.
      """, valueName: "url"))
  var to: String

  /// The root command's options, among them `--database-password-file` (the file holding the
  /// password of --to): the root parses its options wherever they appear, also after
  /// `migrate`, and an option group of the parent's type gets the parent's values. Hidden: of
  /// them, migrate uses only the password file, which --to's help names.
  @OptionGroup(visibility: .private)
  var server: PoolOptions

  @Flag(help: "Read the source and count its rows, check that the target is empty; write nothing.")
  var dryRun = false

  @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
  var logLevel: Logger.Level = .warning

  func validate() throws {
    guard server.database == "clusterpool.db" else {
      throw ValidationError("--database is the server's: migrate reads --from FILE and writes --to URL")
    }
    _ = try target()
  }

  /// `--to` with its password resolved; errors never quote the URL.
  private func target() throws -> PostgresURL {
    guard PostgresURL.isPostgres(to) else {
      throw ValidationError("--to must be a postgres:// or postgresql:// URL")
    }
    do {
      return try PostgresCredentials.resolve(try PostgresURL(parsing: to), passwordFile: server.databasePasswordFile)
    } catch {
      throw ValidationError("--to: \(error.description)")
    }
  }

  func run() async throws {
    let level = logLevel
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
    let logger = Logger(label: "clusterpool-server.migrate")
    let url = try target()
    let source = try await StoreMigration.readSource(from)
    if dryRun {
      let contents = try await StoreMigration.targetContents(url, logger: logger)
      guard contents.isEmpty else {
        throw MigrateError("\(PostgresTargetNotEmpty(endpoint: url.endpoint, contents: contents))")
      }
      print("would copy \(source.countsDescription); revision \(source.rows.revision); into \(url) (empty); nothing written")
      return
    }
    let copied = try await StoreMigration.copy(source, to: url, logger: logger)
    print("copied \(copied.countsDescription); revision \(copied.rows.revision); verified")
  }
}
