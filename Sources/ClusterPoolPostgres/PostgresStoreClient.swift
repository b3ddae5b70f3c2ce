public import Logging
public import PostgresNIO
internal import Synchronization

/// One PostgreSQL database reached through postgres-nio's `PostgresClient` (a pool of
/// connections, running in a task of its own until ``close()``). Every failure is a
/// ``PostgresDatabaseError`` naming `HOST:PORT/DATABASE`, never the password; a connection
/// that cannot be had within ``leaseTimeout`` fails instead of waiting for PostgreSQL to return.
public final class PostgresStoreClient: Sendable {
  /// The database (its description masks the password).
  public let url: PostgresURL
  /// How long a call waits for a connection before it fails.
  public let leaseTimeout: Duration
  let client: PostgresClient
  let logger: Logger
  private let running: Task<Void, Never>

  /// A client of `url`'s database, logging to `logger` (postgres-nio's own messages at their
  /// levels, under the label of `logger`); throws when the URL's TLS files cannot be read.
  public init(url: PostgresURL, leaseTimeout: Duration = .seconds(5), logger: Logger) throws(PostgresURLError) {
    self.url = url
    self.leaseTimeout = leaseTimeout
    self.logger = logger
    var configuration = try url.clientConfiguration()
    configuration.options.maximumConnections = 8
    // postgres-nio tells each failed connection attempt at info level, several a second while
    // the database is down: below debug, only its notices and worse are kept.
    var background = logger
    if background.logLevel > .debug { background.logLevel = max(background.logLevel, .notice) }
    let client = PostgresClient(configuration: configuration, backgroundLogger: background)
    self.client = client
    running = Task { await client.run() }
  }

  /// Runs `body` with a connection of its own; ``PostgresDatabaseError`` (doing `action`) when
  /// none can be had within ``leaseTimeout`` or `body` fails.
  public func withConnection<Result: Sendable>(
    _ action: String, _ body: (PostgresConnection) async throws -> Result
  ) async throws(PostgresDatabaseError) -> Result {
    let lease = try await lease(action)
    defer { lease.release() }
    do {
      return try await body(lease.connection)
    } catch {
      throw PostgresDatabaseError(error, action, on: url)
    }
  }

  /// A connection held until ``PostgresLease/release()``; fails after ``leaseTimeout``
  /// with the reason a direct connection attempt gives (refused, no such host, login refused).
  public func lease(_ action: String) async throws(PostgresDatabaseError) -> PostgresLease {
    let (released, release) = AsyncStream<Void>.makeStream()
    let (leased, deliver) = AsyncThrowingStream<PostgresConnection, any Error>.makeStream()
    let client = self.client
    let holder = Task {
      do {
        try await client.withConnection { connection in
          deliver.yield(connection)
          deliver.finish()
          for await _ in released {}
        }
      } catch {
        deliver.finish(throwing: error)
      }
    }
    // The pool retries connecting in the background and tells its callers nothing: after a
    // second without a connection one direct attempt says whether the database is reachable;
    // when it is not, the call fails at once with its reason, else at the lease timeout.
    let timeout = leaseTimeout
    let failure = Mutex<String?>(nil)
    let timer = Task { [self] in
      let check = min(Duration.seconds(1), timeout)
      try? await Task.sleep(for: check)
      guard !Task.isCancelled else { return }
      if let reason = await probe() {
        failure.withLock { $0 = reason }
        holder.cancel()
        return
      }
      try? await Task.sleep(for: timeout - check)
      guard !Task.isCancelled else { return }
      failure.withLock { $0 = "no connection within \(timeout.components.seconds) s" }
      holder.cancel()
    }
    defer { timer.cancel() }
    do {
      for try await connection in leased {
        return PostgresLease(connection: connection, released: release)
      }
    } catch {
      if let reason = failure.withLock({ $0 }) { throw PostgresDatabaseError(PostgresUnreachable(reason: reason), action, on: url) }
      throw PostgresDatabaseError(error, action, on: url)
    }
    let reason = failure.withLock { $0 } ?? "the connection pool closed"
    throw PostgresDatabaseError(PostgresUnreachable(reason: reason), action, on: url)
  }

  /// Stops the client: its connections close; later calls fail.
  public func close() async {
    running.cancel()
    await running.value
  }
}

/// A leased connection of a ``PostgresStoreClient``.
public struct PostgresLease: Sendable {
  /// The connection, usable until ``release()``.
  public let connection: PostgresConnection
  let released: AsyncStream<Void>.Continuation

  /// Gives the connection back to the pool.
  public func release() { released.finish() }
}

struct PostgresUnreachable: Error, CustomStringConvertible {
  var reason: String
  var description: String { reason }
}
