internal import Synchronization

/// Inbound backpressure for one stream: how many message bytes sit between the transport and
/// a reader (a bidi handler, or a client reading responses). Above `highWater` the transport
/// stops returning the stream's flow-control window, so the peer stops sending; the reader
/// taking messages asks the transport (through `taken`) to return what it held back.
final class InboundWindow: Sendable {
  let highWater: Int
  private let buffered = Atomic<Int>(0)
  private let withholding = Atomic<Bool>(false)

  init(highWater: Int) { self.highWater = highWater }

  /// Transport side: a message of `bytes` was handed to the reader.
  func queued(_ bytes: Int) {
    buffered.add(bytes, ordering: .relaxed)
  }

  /// Transport side: whether received DATA must be held back now; marks the window as
  /// withholding when it must, so the reader's next `taken` releases it.
  func mustWithhold() -> Bool {
    guard buffered.load(ordering: .relaxed) > highWater else { return false }
    withholding.store(true, ordering: .sequentiallyConsistent)
    return true
  }

  /// Reader side: took a message of `bytes`; `true` when held-back window should be released.
  func taken(_ bytes: Int) -> Bool {
    let remaining = buffered.subtract(bytes, ordering: .sequentiallyConsistent).newValue
    guard remaining <= highWater else { return false }
    return withholding.exchange(false, ordering: .sequentiallyConsistent)
  }
}
