internal import Synchronization

/// Whether a dry-run client has seen an answer confirming the server honours dry runs
/// (`clusterpool-dry-run: true` echoed), shared by all its calls.
final class DryRunState: Sendable {
  private let echoed = Atomic<Bool>(false)

  var confirmed: Bool { echoed.load(ordering: .relaxed) }

  func confirm() { echoed.store(true, ordering: .relaxed) }
}
