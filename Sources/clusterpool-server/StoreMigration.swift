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

/// What `migrate` copies: every row of the store, the signing keys of access tokens and the
/// audit log.
struct MigrationSource: Sendable {
  var rows: StoredRows
  var signingKeys: [SigningKeyRecord]
  var audit: AuditLogContents

  /// Counts, worded (`3 pools, 6 clusters, 7 queues, 4 health rows, 1 signing key, 12 audit
  /// records`; signing keys and audit records when there are any).
  var countsDescription: String {
    func counted(_ count: Int, _ one: String, _ many: String) -> [String] {
      count == 0 ? [] : ["\(count) \(count == 1 ? one : many)"]
    }
    return ([rows.countsDescription] + counted(signingKeys.count, "signing key", "signing keys")
      + counted(audit.records.count, "audit record", "audit records")).joined(separator: ", ")
  }

  /// The first difference between this source and `copy`, worded; nil when they are the same.
  func firstDifference(to copy: MigrationSource) -> String? {
    if let difference = rows.firstDifference(to: copy.rows) { return difference }
    if let difference = StoredRows.firstDifference("signing key", signingKeys, copy.signingKeys, key: \.id) {
      return difference
    }
    return audit.firstDifference(to: copy.audit)
  }
}

/// What `clusterpool-server migrate` does: read an SQLite store, copy its rows into an empty
/// PostgreSQL database in one transaction, and compare the copy with the source.
enum StoreMigration {
  /// Every row of the SQLite database at `path`, read under its lock (a server running on it
  /// is refused with the lock's message: `database FILE is in use by another clusterpool-server
  /// (pid N)`). A missing file is refused rather than created.
  static func readSource(_ path: String) async throws -> MigrationSource {
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
    let rows: StoredRows
    do {
      rows = try backend.loadRows()  // releases the file itself when it fails
    } catch {
      throw MigrateError("cannot read --from: \(error.description)")
    }
    do {
      // read while the backend holds the file's lock (and so migrated it: both tables exist)
      let source = MigrationSource(
        rows: rows, signingKeys: try await SQLiteSigningKeys(path: path).signingKeys(),
        audit: try await SQLiteAuditLog(path: path).contents())
      await backend.close()
      return source
    } catch {
      await backend.close()
      throw MigrateError("cannot read --from \(path): \(error)")
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
  static func copy(_ source: MigrationSource, to url: PostgresURL, logger: Logger) async throws -> MigrationSource {
    let backend: PostgresBackend
    do {
      backend = try await PostgresBackend.open(url: url, logger: logger)
    } catch {
      throw MigrateError(error.description)
    }
    do {
      try await backend.importRows(source.rows, signingKeys: source.signingKeys, audit: source.audit)
      let copy = MigrationSource(
        rows: try await backend.loadAll(), signingKeys: try await PostgresSigningKeys(backend: backend).signingKeys(),
        audit: try await backend.contents())
      if let difference = source.firstDifference(to: copy) {
        await backend.close()
        throw MigrateError("the copy in \(url.endpoint) differs from --from: \(difference)")
      }
      do {
        _ = try await backend.verifyAudit()
      } catch {
        await backend.close()
        throw MigrateError("the audit log copied into \(url.endpoint) does not verify: \(error)")
      }
      await backend.close()
      return copy
    } catch let error as MigrateError {
      throw error
    } catch {
      await backend.close()
      throw MigrateError("\(error)")
    }
  }
}
