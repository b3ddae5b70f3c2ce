internal import PostgresNIO

/// `COMMIT` was sent but no reply came back (the connection dropped, PostgreSQL restarted):
/// PostgreSQL may have committed the transaction or not, and this server cannot tell. The
/// caller gets UNAVAILABLE saying that the change may have been applied (``PostgresBackend/failure(_:_:)``);
/// the store's memory does not show it until the follower reads it from the change log (or
/// never, when it was not committed). A reply that is an error of PostgreSQL's own (it
/// answered, refusing the commit) is an ordinary ``PostgresDatabaseError``: nothing was applied.
struct PostgresCommitUnconfirmed: Error, CustomStringConvertible {
  /// The failure, naming the database.
  var cause: PostgresDatabaseError
  /// Whether PostgreSQL answered the COMMIT (with an error): then nothing was applied.
  var answered: Bool

  init(_ error: any Error, on url: PostgresURL) {
    cause = PostgresDatabaseError(error, "COMMIT", on: url)
    answered = (error as? PSQLError)?.serverInfo != nil
  }

  var description: String {
    answered
      ? "the store could not commit the change: \(cause); retry later"
      : "the store lost the reply to its commit: \(cause); the change may have been applied"
  }
}
