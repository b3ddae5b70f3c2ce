/// Dry runs of store writes (a call carrying `clusterpool-dry-run: true`): bound around a
/// call's work, every ``PoolStore`` write of that task runs whole (the rules, every read and
/// row write of its transaction, and the checks the backend makes of the rows at commit) in a
/// transaction of its own that is then rolled back. Nothing is written: no row, revision,
/// change log entry or audit record; nothing is published (the read model, observers,
/// watchers and caches see no change). The write answers what it would have answered had it
/// committed, or throws the error the committed write would have thrown.
public enum StoreDryRun {
  /// Whether the writes of the current task are dry runs.
  @TaskLocal public static var isActive = false
}
