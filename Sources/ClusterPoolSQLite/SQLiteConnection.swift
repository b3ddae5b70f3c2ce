internal import CSQLite
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A failed SQLite call: its result code, SQLite's message, and the operating system's
/// error number behind it (0 when none).
struct SQLiteError: Error, CustomStringConvertible {
  var code: Int32
  var message: String
  var systemErrno: Int32 = 0
  var description: String { "SQLite error \(code): \(message)" }
  /// SQLITE_BUSY or SQLITE_LOCKED: another connection holds the lock.
  var isBusy: Bool { code & 0xFF == 5 || code & 0xFF == 6 }
  /// SQLITE_FULL, or an I/O error whose cause is ENOSPC or EDQUOT: the file system is full.
  var isDiskFull: Bool {
    code & 0xFF == SQLITE_FULL || (code & 0xFF == SQLITE_IOERR && (systemErrno == ENOSPC || systemErrno == EDQUOT))
  }
}

/// A value bound to a statement parameter or read from a column.
enum SQLiteValue {
  case integer(Int64)
  case text(String)
  case null
}

/// One SQLite connection, used from one thread at a time (the store's writer thread). SQL
/// is `StaticString` only: user data always travels as bound parameters, never in SQL text.
/// Prepared statements are cached by their SQL literal.
final class SQLiteConnection {
  private var db: OpaquePointer?
  private var statements: [UnsafeRawPointer: OpaquePointer] = [:]
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  /// Opens (creating when missing) the database file at `path`.
  init(path: String) throws(SQLiteError) {
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
    let rc = sqlite3_open_v2(path, &db, flags, nil)
    guard rc == SQLITE_OK else {
      let error = SQLiteError(code: rc, message: db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)")
      sqlite3_close_v2(db)
      db = nil
      throw error
    }
    sqlite3_extended_result_codes(db, 1)
  }

  deinit { close() }

  /// Finalizes every statement and closes the connection.
  func close() {
    for statement in statements.values { sqlite3_finalize(statement) }
    statements = [:]
    if let db { sqlite3_close_v2(db) }
    db = nil
  }

  /// Runs SQL text holding one or more statements with no parameters (schema, pragmas).
  func executeScript(_ sql: StaticString) throws(SQLiteError) {
    var message: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(db, "\(sql)", nil, nil, &message)
    guard rc == SQLITE_OK else {
      let text = message.map { String(cString: $0) } ?? "error \(rc)"
      sqlite3_free(message)
      throw SQLiteError(code: rc, message: text, systemErrno: sqlite3_system_errno(db))
    }
  }

  /// Runs one statement with `parameters` bound to `?1, ?2, …`, calling `row` for each result
  /// row. Returns the number of rows the statement changed.
  @discardableResult
  func run(_ sql: StaticString, _ parameters: [SQLiteValue] = [], row: ((SQLiteRow) throws -> Void)? = nil) throws -> Int {
    let statement = try prepared(sql)
    defer {
      sqlite3_reset(statement)
      sqlite3_clear_bindings(statement)
    }
    for (offset, value) in parameters.enumerated() {
      let index = Int32(offset + 1)
      let rc: Int32
      switch value {
      case .integer(let n): rc = sqlite3_bind_int64(statement, index, n)
      case .null: rc = sqlite3_bind_null(statement, index)
      case .text(var text):
        rc = text.withUTF8 { bytes in
          bytes.isEmpty
            ? sqlite3_bind_text(statement, index, "", 0, nil)
            : sqlite3_bind_text(statement, index, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
        }
      }
      guard rc == SQLITE_OK else { throw error(rc) }
    }
    while true {
      let rc = sqlite3_step(statement)
      if rc == SQLITE_DONE { break }
      guard rc == SQLITE_ROW else { throw error(rc) }
      try row?(SQLiteRow(statement: statement))
    }
    return Int(sqlite3_changes(db))
  }

  /// Frees the page cache's unused pages (a full read, such as loading every row at start,
  /// leaves it full, and it would stay so for the life of the process).
  func releaseMemory() {
    if let db { sqlite3_db_release_memory(db) }
  }

  /// Heap bytes the page cache holds (`SQLITE_DBSTATUS_CACHE_USED`).
  var cacheBytes: Int {
    guard let db else { return 0 }
    var current: Int32 = 0
    var highest: Int32 = 0
    sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0)
    return Int(current)
  }

  /// The single integer a query returns (e.g. `PRAGMA user_version`), nil when no row.
  func integer(_ sql: StaticString, _ parameters: [SQLiteValue] = []) throws -> Int64? {
    var result: Int64?
    try run(sql, parameters) { row in result = row.integer(0) }
    return result
  }

  private func prepared(_ sql: StaticString) throws(SQLiteError) -> OpaquePointer {
    let key = UnsafeRawPointer(sql.utf8Start)
    if let statement = statements[key] { return statement }
    var statement: OpaquePointer?
    let rc = sql.withUTF8Buffer { text in
      sqlite3_prepare_v3(
        db, UnsafeRawPointer(text.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(text.count),
        UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
    }
    guard rc == SQLITE_OK, let statement else { throw error(rc) }
    statements[key] = statement
    return statement
  }

  private func error(_ rc: Int32) -> SQLiteError {
    SQLiteError(
      code: rc, message: db.map { String(cString: sqlite3_errmsg($0)) } ?? "no connection",
      systemErrno: db.map { sqlite3_system_errno($0) } ?? 0)
  }
}

/// The current row of a running statement; valid only inside the `row` callback.
struct SQLiteRow {
  fileprivate let statement: OpaquePointer

  func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
  func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
  func optionalInteger(_ column: Int32) -> Int64? { isNull(column) ? nil : integer(column) }
  func text(_ column: Int32) -> String {
    guard let bytes = sqlite3_column_text(statement, column) else { return "" }
    let count = Int(sqlite3_column_bytes(statement, column))
    return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  }
}
