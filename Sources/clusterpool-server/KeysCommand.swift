import ArgumentParser
import ClusterPoolAuth
import ClusterPoolPostgres
import ClusterPoolSQLite
import ClusterPoolStore
import Logging

/// `clusterpool-server keys rotate`: a new signing key for access tokens; the previous one
/// keeps verifying the tokens it signed until they expire, so nobody is logged out.
struct KeysCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "keys", abstract: "Manage the signing keys of access tokens.", subcommands: [Rotate.self])

  struct Rotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add a new signing key; the current one keeps verifying its tokens until they expire.",
      discussion: """
        Works on the server's --database. An SQLite file must not be in use (stop the server \
        first); on PostgreSQL, servers running on the database sign with the new key and \
        publish it in their JWKS from their next start. Prints the new key id and the retired ones.
        """)

    @OptionGroup(visibility: .private)
    var server: PoolOptions

    @OptionGroup(visibility: .private)
    var auth: AuthOptions

    func run() async throws {
      let logger = Logger(label: "clusterpool-server")
      let now = AccessTokens.systemClock()
      switch try server.databaseLocation() {
      case .sqlite(let path):
        let backend = try SQLiteBackend(path: path)  // the file's lock: no server on it meanwhile
        do {
          try await rotate(SigningKeyring(store: try SQLiteSigningKeys(path: path), verifyRetiredFor: 0), now: now)
        } catch {
          await backend.close()
          throw error
        }
        await backend.close()
      case .postgres(let url):
        let backend = try await PostgresBackend.open(url: url, logger: logger)
        do {
          try await rotate(SigningKeyring(store: PostgresSigningKeys(backend: backend), verifyRetiredFor: 0), now: now)
        } catch {
          await backend.close()
          throw error
        }
        await backend.close()
      }
    }

    private func rotate(_ keyring: SigningKeyring, now: Int64) async throws {
      try await keyring.load(now: now)
      let (new, retired) = try await keyring.rotate(now: now)
      print("new signing key \(new); retired \(retired.joined(separator: ", ")) (verifies the tokens it signed for \(auth.tokenLifetime) s more)")
    }
  }
}
