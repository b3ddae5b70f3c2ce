internal import Synchronization

/// Tokens verified before, by a SHA-256 of the token (the token itself is never kept), each
/// until it expires: a repeated call costs a hash and a lookup instead of an ECDSA
/// verification. Each entry keeps the `kid` that verified it: a hit counts only while that key
/// still verifies (a key retired past its grace, or removed from the store, stops its cached
/// tokens at once). Bounded: when full, expired entries go first, then the oldest half.
final class VerifiedTokenCache: Sendable {
  typealias Key = CredentialDigest

  private struct Entry {
    var caller: AuthenticatedCaller
    var keyID: String
    var order: Int
  }

  private struct State {
    var entries: [Key: Entry] = [:]
    var inserted = 0
  }

  private let capacity: Int
  private let state = Mutex(State())

  init(capacity: Int) { self.capacity = max(capacity, 0) }

  /// The cached caller, if the token was verified, has not expired by `now` and its key
  /// still verifies (`keyVerifies(kid)`); an entry failing either is dropped.
  func caller(for key: Key, now: Int64, keyVerifies: (String) -> Bool) -> AuthenticatedCaller? {
    state.withLock { state in
      guard let entry = state.entries[key] else { return nil }
      if now >= entry.caller.expiresAt ?? .max || !keyVerifies(entry.keyID) {
        state.entries[key] = nil
        return nil
      }
      return entry.caller
    }
  }

  func insert(_ caller: AuthenticatedCaller, keyID: String, for key: Key, now: Int64) {
    guard capacity > 0 else { return }
    state.withLock { state in
      if state.entries.count >= capacity {
        state.entries = state.entries.filter { ($0.value.caller.expiresAt ?? .max) > now }
        if state.entries.count >= capacity {
          let cut = state.inserted - state.entries.count / 2
          state.entries = state.entries.filter { $0.value.order >= cut }
        }
      }
      state.inserted += 1
      state.entries[key] = Entry(caller: caller, keyID: keyID, order: state.inserted)
    }
  }

  var count: Int { state.withLock { $0.entries.count } }
}
