internal import CoreMetrics

/// The store's metrics, recorded through swift-metrics (whatever backend the process
/// bootstrapped; none in tests): `clusterpool_store_commit_duration_seconds` (histogram of the
/// backend's durable commit of one batch) and `clusterpool_store_commit_batch_size` (histogram
/// of the writes per committed batch).
struct StoreMetrics: Sendable {
  static let commitDurationLabel = "clusterpool_store_commit_duration_seconds"
  static let batchSizeLabel = "clusterpool_store_commit_batch_size"

  let commitDuration = CoreMetrics.Timer(label: StoreMetrics.commitDurationLabel)
  let batchSize = Recorder(label: StoreMetrics.batchSizeLabel, aggregate: true)

  /// One batch of `writes` committed in `duration`.
  func committed(writes: Int, in duration: Duration) {
    let (seconds, attoseconds) = duration.components
    commitDuration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    batchSize.record(writes)
  }
}
