extension PostgresFollower {
  /// How a follower paces itself and how much change log the replicas keep. The defaults suit
  /// a few replicas on one database; every one can be changed for tests or large setups.
  public struct Settings: Sendable {
    /// How often it catches up without a notification (a safety net: a missed notification
    /// costs at most this long). Default 1 s.
    public var pollInterval: Duration = .seconds(1)
    /// How long it waits before connecting again after its connection failed (PostgreSQL
    /// restarting or unreachable). Default 200 ms.
    public var reconnectDelay: Duration = .milliseconds(200)
    /// How many revisions behind a catch-up reloads every row instead of reading the entries.
    /// Default 50,000.
    public var reloadBehind: UInt64 = 50_000
    /// How often it prunes the change log (``keepRevisions``, ``keepFor``). Default 10 min.
    public var pruneInterval: Duration = .seconds(600)
    /// Change log entries kept behind the newest revision, whatever their age: a replica at
    /// most this far behind reads entries; one further behind reloads (it would anyway past
    /// ``reloadBehind``). Default 100,000.
    public var keepRevisions: UInt64 = 100_000
    /// Entries younger than this are kept, however many there are (a replica restarting or
    /// disconnected for less than this reads them instead of reloading). Default 1 hour.
    public var keepFor: Duration = .seconds(3600)

    /// The defaults.
    public init() {}
  }
}
