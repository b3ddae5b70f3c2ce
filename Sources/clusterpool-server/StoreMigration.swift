import ClusterPoolPostgres
import ClusterPoolSQLite
import ClusterPoolStore
import Foundation
import Logging

/// Why `migrate` failed, in one line naming the cause; printed as `Error: ...`, exit status 1.
struct MigrateError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// What `clusterpool-server migrate` does: read an SQLite store, copy its rows into an empty
/// PostgreSQL database in one transaction, and compare the copy with the source.
enum StoreMigration {
  /// Every row of the SQLite database at `path`, read under its lock (a server running on it
  /// is refused with the lock's message: `database FILE is in use by another clusterpool-server
  /// (pid N)`). A missing file is refused rather than created.
  static func readSource(_ path: String) async throws -> StoredRows {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw MigrateError("cannot read --from \(path): no such file")
    }
    guard !isFolder.boolValue else { throw MigrateError("cannot read --from \(path): it is a folder") }
    let backend: SQLiteBackend
    do {
      backend = try SQLiteBackend(path: path, maxBatch: 1)
    } catch {
      throw MigrateError("cannot read --from: \(error.description)")
    }
    do {
      let rows = try backend.loadRows()  // releases the file itself when it fails
      await backend.close()
      return rows
    } catch {
      throw MigrateError("cannot read --from: \(error.description)")
    }
  }

  /// What `url`'s database holds of a store's rows (empty when none), without migrating it.
  static func targetContents(_ url: PostgresURL, logger: Logger) async throws -> [String] {
    let client: PostgresStoreClient
    do {
      client = try PostgresStoreClient(url: url, logger: logger)
    } catch {
      throw MigrateError("cannot open --to \(url): \(error)")
    }
    do {
      let contents = try await client.storeContents()
      await client.close()
      return contents
    } catch {
      await client.close()
      throw MigrateError("\(error)")
    }
  }

  /// Copies `source` into `url`'s database (its schema migrated first; it must hold no rows),
  /// then loads the copy and compares it with `source`; returns the rows loaded. Any difference
  /// is an error naming the first differing object.
  static func copy(_ source: StoredRows, to url: PostgresURL, logger: Logger) async throws -> StoredRows {
    let backend: PostgresBackend
    do {
      backend = try await PostgresBackend.open(url: url, logger: logger)
    } catch {
      throw MigrateError(error.description)
    }
    do {
      try await backend.importRows(source)
      let copy = try await backend.loadAll()
      await backend.close()
      if let difference = source.firstDifference(to: copy) {
        throw MigrateError("the copy in \(url.endpoint) differs from --from: \(difference)")
      }
      return copy
    } catch let error as MigrateError {
      throw error
    } catch {
      await backend.close()
      throw MigrateError("\(error)")
    }
  }
}
