internal import NIOCore
internal import Synchronization

/// The server's listening address, published once by `run()` and awaited by
/// `RPCServer.listeningAddress` from any task.
final class BoundAddress: Sendable {
  private enum State {
    case waiting([CheckedContinuation<SocketAddress, any Error>])
    case bound(Result<SocketAddress, any Error>)
  }

  private let state = Mutex(State.waiting([]))

  /// Publishes the outcome of binding; later calls are ignored.
  func publish(_ result: Result<SocketAddress, any Error>) {
    let waiters = state.withLock { state -> [CheckedContinuation<SocketAddress, any Error>] in
      guard case .waiting(let waiters) = state else { return [] }
      state = .bound(result)
      return waiters
    }
    for waiter in waiters { waiter.resume(with: result) }
  }

  /// Waits for the address (or the bind error).
  func wait() async throws -> SocketAddress {
    try await withCheckedThrowingContinuation { continuation in
      let result = state.withLock { state -> Result<SocketAddress, any Error>? in
        switch state {
        case .bound(let result):
          return result
        case .waiting(var waiters):
          waiters.append(continuation)
          state = .waiting(waiters)
          return nil
        }
      }
      if let result { continuation.resume(with: result) }
    }
  }
}
