internal import Synchronization

/// The highest revision the writes of a task committed at, for answers that must report at
/// least their own commit's revision (`clusterpool-revision` on a write's answer) while the
/// store's contiguous revision (``PoolStore/revision``) may still be below it. Bind one as
/// ``current`` around the work; every write of ``PoolStore`` done in that task records its
/// commit's revision in it.
public final class CommittedRevisions: Sendable {
  /// The recorder of the current task, if any.
  @TaskLocal public static var current: CommittedRevisions?

  private let highestCommitted = Mutex<UInt64>(0)

  /// An empty recorder.
  public init() {}

  /// The highest revision recorded (0: none).
  public var highest: UInt64 { highestCommitted.withLock { $0 } }

  func record(_ revision: UInt64) { highestCommitted.withLock { $0 = max($0, revision) } }
}
