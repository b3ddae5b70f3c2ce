internal import Synchronization

/// The least version of a call policy's response fields that one call's answer must carry
/// (``CallPolicy/responseVersion()`` is the version of every answer now): e.g. a write's own
/// commit revision while the store's reported revision is still below it. Each call has one
/// (``ServerContext/responseVersionFloor``); a policy raises it while running the call's
/// handler (``CallPolicy/run(_:_:)``), the transport reads it when it makes the call's head.
public final class ResponseVersionFloor: Sendable {
  private let floor = Atomic<UInt64>(0)

  /// A floor of 0 (no constraint).
  public init() {}

  /// The floor now.
  public var value: UInt64 { floor.load(ordering: .acquiring) }

  /// Raises the floor to `version` when it is below it.
  public func raise(to version: UInt64) {
    var current = floor.load(ordering: .relaxed)
    while current < version {
      let (exchanged, original) = floor.compareExchange(
        expected: current, desired: version, successOrdering: .releasing, failureOrdering: .relaxed)
      if exchanged { return }
      current = original
    }
  }
}
