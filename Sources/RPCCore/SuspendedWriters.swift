/// The writers of one call suspended while its output is backed up, owned by the call's
/// connection (on its event loop): resumed together once the output drains, or failed
/// together when the call ends.
package struct SuspendedWriters {
  private var waiting: [CheckedContinuation<Void, any Error>] = []

  package init() {}

  /// Holds `writer` until the next `resumeAll()` or `failAll(_:)`.
  package mutating func append(_ writer: CheckedContinuation<Void, any Error>) {
    waiting.append(writer)
  }

  /// Lets every held writer continue.
  package mutating func resumeAll() {
    let writers = waiting
    waiting = []
    for writer in writers { writer.resume() }
  }

  /// Fails every held writer with `error`.
  package mutating func failAll(_ error: any Error) {
    let writers = waiting
    waiting = []
    for writer in writers { writer.resume(throwing: error) }
  }
}
