internal import Synchronization

/// The highest revision a client has seen, shared by all its calls.
final class RevisionMemory: Sendable {
  private let value = Atomic<UInt64>(0)

  var highest: UInt64 { value.load(ordering: .relaxed) }

  func note(_ revision: UInt64) {
    var current = value.load(ordering: .relaxed)
    while revision > current {
      let (exchanged, original) = value.compareExchange(expected: current, desired: revision, ordering: .relaxed)
      if exchanged { return }
      current = original
    }
  }
}
