/// A wait for a revision ended at its deadline: the store had applied `applied`, the caller
/// needed `needed`.
public struct RevisionNotApplied: Error, Sendable, Equatable {
  /// The revision the store had applied when the wait ended.
  public var applied: UInt64
  /// The revision the caller waited for.
  public var needed: UInt64

  /// Creates the error.
  public init(applied: UInt64, needed: UInt64) {
    self.applied = applied
    self.needed = needed
  }
}
