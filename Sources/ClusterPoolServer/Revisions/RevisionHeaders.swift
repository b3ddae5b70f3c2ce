internal import ClusterPoolProto
public import ClusterPoolStore
public import RPCCore

/// Read-your-writes across replicas, for every call of the pool, cluster and queue services
/// (a ``CallPolicy``, whatever the transport and wire protocol):
///
/// - every response head carries `clusterpool-revision: R`, the store's contiguous applied
///   revision when the head was made (every commit up to R applied, ``StoreRevisions/revision``):
///   after a unary handler returned, before a stream's first message, with an error status
///   that starts the response. A write's answer carries at least its own commit's revision
///   (``run(_:_:)`` learns it through ``CommittedRevisions``), even while the replica's
///   contiguous revision is below it (another replica's commit just before it not followed
///   yet): a client then sending it as `clusterpool-min-revision`, to this replica too, waits
///   until that gap has closed, which the follower does promptly (it is woken by the commit's
///   own notification). Trailers do not carry it.
/// - a request carrying `clusterpool-min-revision: N` runs only once the store has applied
///   N: at once when it has, else after an event-driven wait (``StoreRevisions/waitForRevision(_:until:)``)
///   bounded by the call's deadline (less a margin, so the answer reaches the client before
///   its own deadline fires) and by ``maxWait``. A value that is not a decimal revision is
///   `INVALID_ARGUMENT` naming the header.
public final class RevisionHeaders: CallPolicy {
  /// The longest wait for a revision, whatever the call's deadline (and with none).
  public static let maxWait: Duration = .seconds(10)
  /// The largest part of a call's remaining time kept for its answer to travel back.
  static let answerMargin: Duration = .milliseconds(200)

  let store: any StoreRevisions

  /// The policy over `store`'s revisions.
  public init(store: any StoreRevisions) {
    self.store = store
  }

  public func admission(_ context: ServerContext) throws(RPCError) -> (@Sendable () async throws -> Void)? {
    guard let text = context.requestMetadata.first(lowercased: RevisionMetadata.minRevision) else { return nil }
    let needed = try Self.parse(text)
    guard store.revision < needed else { return nil }
    let deadline = Self.waitDeadline(callDeadline: context.deadline, now: .now)
    return { [store] in
      do {
        try await store.waitForRevision(needed, until: deadline)
      } catch let behind as RevisionNotApplied {
        // UNAVAILABLE, not DEADLINE_EXCEEDED or FAILED_PRECONDITION: this replica is behind
        // for now and nothing is wrong with the request; the same call retried later, or
        // sent to another replica, can succeed, and clients retry UNAVAILABLE by default.
        throw RPCError(
          code: .unavailable,
          message: "this replica has applied revision \(behind.applied), the request needs \(behind.needed) "
            + "(\(RevisionMetadata.minRevision)); retry or ask another replica")
      }
    }
  }

  public func responseVersion() -> UInt64 { store.revision }

  /// Runs a unary handler, raising the call's response revision to the highest commit its
  /// writes made.
  public func run<Output: Sendable>(
    _ context: ServerContext, _ handler: @Sendable () async throws -> Output
  ) async throws -> Output {
    let commits = CommittedRevisions()
    defer { context.responseVersionFloor.raise(to: commits.highest) }
    return try await CommittedRevisions.$current.withValue(commits) { try await handler() }
  }

  public func responseFields(version: UInt64) -> [(String, String)] {
    [(RevisionMetadata.revision, String(version))]
  }

  /// A revision sent in `clusterpool-min-revision`: a decimal number of at most 20 digits.
  static func parse(_ text: String) throws(RPCError) -> UInt64 {
    let trimmed = text.trimmingSpaces
    guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
      let value = UInt64(trimmed)
    else {
      throw RPCError(
        code: .invalidArgument,
        message: "\(RevisionMetadata.minRevision) must be a revision number (decimal digits, e.g. 42, as sent in "
          + "\(RevisionMetadata.revision)): got \"\(text.prefix(64))\"")
    }
    return value
  }

  /// When a wait for a revision gives up: ``maxWait`` from now, or earlier when the call's
  /// deadline comes first, less a tenth of the remaining time (at most ``answerMargin``).
  static func waitDeadline(callDeadline: ContinuousClock.Instant?, now: ContinuousClock.Instant) -> ContinuousClock.Instant {
    let capped = now + maxWait
    guard let callDeadline, callDeadline < capped else { return capped }
    let remaining = callDeadline - now
    guard remaining > .zero else { return now }
    return callDeadline - min(remaining / 10, answerMargin)
  }
}

extension String {
  /// Without leading and trailing spaces and tabs.
  fileprivate var trimmingSpaces: Substring {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
    let end = lastIndex(where: { !isSpace($0) })!
    return self[start...end]
  }
}
