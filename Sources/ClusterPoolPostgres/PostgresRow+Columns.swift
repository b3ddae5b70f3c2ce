internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import PostgresNIO

/// Typed column reads of a row by position, throwing ``StoreOpenError`` naming the row when a
/// value cannot be decoded. Positions count from ``base``: a statement returning several kinds
/// of rows side by side (``PostgresChangeStatement``) reads each kind's columns where they start.
struct PostgresColumns {
  let row: PostgresRandomAccessRow
  let what: String
  /// The position of column 0.
  let base: Int

  init(_ row: PostgresRow, _ what: String) {
    self.init(row.makeRandomAccess(), what)
  }

  init(_ row: PostgresRandomAccessRow, _ what: String, from base: Int = 0) {
    self.row = row
    self.what = what
    self.base = base
  }

  func decode<T: PostgresDecodable>(_ index: Int, _ type: T.Type) throws -> T {
    let column = row[base + index]
    do {
      return try column.decode(T.self, context: .default)
    } catch {
      throw StoreOpenError("corrupt \(what) row: column \(base + index) (\(column.columnName)) is not a \(T.self)")
    }
  }

  func text(_ index: Int) throws -> String { try decode(index, String.self) }
  func int(_ index: Int) throws -> Int64 { try decode(index, Int64.self) }
  func int32(_ index: Int) throws -> Int32 { try decode(index, Int32.self) }
  func bool(_ index: Int) throws -> Bool { try decode(index, Bool.self) }
  func timestamp(_ index: Int) throws -> Timestamp { Timestamp(nanosecondsSinceEpoch: try int(index)) }
  func optionalTimestamp(_ index: Int) throws -> Timestamp? {
    try decode(index, Int64?.self).map(Timestamp.init(nanosecondsSinceEpoch:))
  }
  func identity(_ index: Int) throws -> Identity {
    guard let identity = Identity(storageForm: try text(index)) else {
      throw StoreOpenError("corrupt \(what) row: column \(index) is not an identity")
    }
    return identity
  }
}

extension PostgresConnection {
  /// Runs `query` and maps every row with `map`.
  func rows<T>(_ query: PostgresQuery, logger: Logger, _ map: (PostgresRow) throws -> T) async throws -> [T] {
    try checkOpen()
    var mapped: [T] = []
    for try await row in try await self.query(query, logger: logger) { mapped.append(try map(row)) }
    return mapped
  }

  /// Runs `query`, ignoring its rows.
  func run(_ query: PostgresQuery, logger: Logger) async throws {
    try checkOpen()
    for try await _ in try await self.query(query, logger: logger) {}
  }

  /// Throws when the connection is closed (e.g. PostgreSQL ended it: restarted or shut down).
  /// postgres-nio writes a statement to a closed connection's channel without a promise, so
  /// the statement would never complete: a write in flight when PostgreSQL restarted hung the
  /// store's write loop for good (every later write timed out, shutdown hung).
  func checkOpen() throws {
    if isClosed { throw PostgresConnectionClosed() }
  }
}

/// A statement was not sent: the connection is closed.
struct PostgresConnectionClosed: Error, CustomStringConvertible {
  var description: String { "the connection to the database was closed" }
}
