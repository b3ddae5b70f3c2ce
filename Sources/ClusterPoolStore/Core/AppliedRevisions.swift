/// The revision a store reports and waits on (`clusterpool-revision`, `clusterpool-min-revision`):
/// the *contiguous* applied revision R, every commit up to R applied to the read model.
///
/// A store alone on its backend (SQLite, in memory) makes every commit itself, in order: each
/// commit it applies is contiguous. A store followed (``PoolStore/followCommitsElsewhere()``:
/// replicas on one PostgreSQL database) applies its own commit N at once, while another
/// replica's commit N-1 may not be followed yet: N is then kept in ``ownAhead`` and R stays
/// below it until the follower has read the change log past N (``followed(through:)``). So a
/// call waiting for N on this replica never reads a state missing N-1.
struct AppliedRevisions {
  /// Every commit up to it is applied.
  private(set) var contiguous: UInt64
  /// Whether a follower decides contiguity (other servers commit to the same backend).
  private(set) var isFollowed = false
  /// This store's own commits applied above ``contiguous`` (followed stores only); the follower
  /// skips their change log entries, and since they are recorded only once applied, an entry it
  /// skips is always in the read model already.
  private(set) var ownAhead: Set<UInt64> = []

  init(contiguous: UInt64) { self.contiguous = contiguous }

  /// From now on a follower decides contiguity.
  mutating func follow() { isFollowed = true }

  /// This store's own commit at `revision` was applied.
  mutating func ownCommit(_ revision: UInt64) {
    if isFollowed {
      if revision > contiguous { ownAhead.insert(revision) }
    } else {
      contiguous = max(contiguous, revision)
    }
  }

  /// The follower read the change log through `revision` (every commit up to it, others'
  /// applied, own ones skipped).
  mutating func followed(through revision: UInt64) {
    contiguous = max(contiguous, revision)
    if !ownAhead.isEmpty { ownAhead = ownAhead.filter { $0 > contiguous } }
  }

  /// The read model was replaced by every row as of `revision`.
  mutating func reloaded(at revision: UInt64) {
    contiguous = revision
    ownAhead.removeAll()
  }
}
