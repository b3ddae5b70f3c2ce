import ArgumentParser
import ClusterPoolPostgres
import ClusterPoolSQLite
import ClusterPoolStore
import Logging

/// `clusterpool-server audit verify`: walks every organization's audit chain from its anchor
/// and names the first bad record (exit 1); works on a database a server is using.
struct AuditCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit", abstract: "Check the audit log.", subcommands: [Verify.self])

  struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Verify the audit log's hash chains; name the first bad record.",
      discussion: """
        Works on the server's --database, also while a server runs on it. Prints \
        "audit log verified: N records in M organizations" and exits 0, or names the first \
        record that was edited, removed or replaced and exits 1.
        """)

    @OptionGroup(visibility: .private)
    var server: PoolOptions

    func run() async throws {
      let logger = Logger(label: "clusterpool-server")
      let checked: (organizations: Int, records: Int)
      do {
        switch try server.databaseLocation() {
        case .sqlite(let path):
          checked = try await SQLiteAuditLog(path: path).verify()
        case .postgres(let url):
          let backend = try await PostgresBackend.open(url: url, logger: logger)
          do {
            checked = try await backend.verifyAudit()
          } catch {
            await backend.close()
            throw error
          }
          await backend.close()
        }
      } catch let broken as AuditChainBroken {
        print(broken.description)
        throw ExitCode.failure
      }
      print("audit log verified: \(checked.records) records in \(checked.organizations) organizations")
    }
  }
}
