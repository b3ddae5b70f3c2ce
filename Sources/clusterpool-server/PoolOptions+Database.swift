import ArgumentParser
import ClusterPoolPostgres
import ClusterPoolSQLite
import ClusterPoolStore
import Logging

/// What `--database` names: an SQLite file, or a PostgreSQL database by URL.
enum DatabaseLocation {
  case sqlite(path: String)
  case postgres(PostgresURL)
}

extension PoolOptions {
  /// `--database` read: a value starting with `postgres://` or `postgresql://` is a PostgreSQL
  /// URL (its password from the URL, `--database-password-file` or the environment), anything
  /// else an SQLite file path. Errors never quote the URL (it may hold the password).
  func databaseLocation() throws -> DatabaseLocation {
    guard PostgresURL.isPostgres(database) else {
      guard databasePasswordFile == nil else {
        throw ValidationError("--database-password-file goes with a postgres:// --database only")
      }
      return .sqlite(path: database)
    }
    do {
      let url = try PostgresURL(parsing: database)
      return .postgres(try PostgresCredentials.resolve(url, passwordFile: databasePasswordFile))
    } catch {
      throw ValidationError(error.description)
    }
  }

  /// Opens the store `--database` names: loads every row (PostgreSQL: after migrating). On
  /// PostgreSQL also the follower of the change log (other replicas' commits), to run in the
  /// server's `ServiceGroup` after the store (so that it stops first).
  func openStore(logger: Logger) async throws -> (store: PoolStore, follower: PostgresFollower?) {
    switch try databaseLocation() {
    case .sqlite(let path):
      return (try SQLiteClusterPoolStore(path: path, defaultPool: defaultPool(), logger: logger), nil)
    case .postgres(let url):
      let backend = try await PostgresBackend.open(url: url, logger: logger)
      do {
        let store = try await PoolStore.open(backend: backend, defaultPool: defaultPool(), logger: logger)
        return (store, PostgresFollower(backend: backend, store: store, logger: logger))
      } catch {
        await backend.close()
        throw StoreOpenError("cannot load the pool database: \(error)")
      }
    }
  }
}
