public import ClusterPoolStore
internal import Synchronization

/// The server's signing keys in memory: the newest signs, and every key retired less than a
/// token lifetime (plus the clock skew) ago still verifies, so rotating keys logs no one out.
/// Loaded from a `SigningKeyStore`; the first start of an empty store makes the first key.
public final class SigningKeyring: Sendable {
  private let store: any SigningKeyStore
  /// How long a retired key keeps verifying: the longest token lifetime plus the clock skew.
  private let verifyRetiredFor: Int64
  private let keys = Mutex<[SigningKey]>([])

  /// A keyring over `store`; call `load(now:)` before use.
  public init(store: any SigningKeyStore, verifyRetiredFor: Int64) {
    self.store = store
    self.verifyRetiredFor = verifyRetiredFor
  }

  /// Reads the stored keys; makes and stores the first one when there is none.
  /// Returns the key id that signs from now on.
  @discardableResult
  public func load(now: Int64) async throws -> String {
    var loaded = try await store.signingKeys().map(SigningKey.init)
    if !loaded.contains(where: { $0.retiredAt == nil }) {
      let key = SigningKey(now: now)
      try await store.addSigningKey(key.record, retiring: loaded.filter { $0.retiredAt == nil }.map(\.id))
      loaded.append(key)
    }
    loaded.sort { $0.createdAt < $1.createdAt }
    keys.withLock { $0 = loaded }
    return loaded.last { $0.retiredAt == nil }!.id
  }

  /// Makes a new signing key and retires the current one, which keeps verifying the tokens
  /// it signed until they expire. Returns the new key's id and the retired ones'.
  public func rotate(now: Int64) async throws -> (new: String, retired: [String]) {
    let key = SigningKey(now: now)
    let current = keys.withLock { $0.filter { $0.retiredAt == nil }.map(\.id) }
    try await store.addSigningKey(key.record, retiring: current)
    keys.withLock { keys in
      for index in keys.indices where keys[index].retiredAt == nil { keys[index].retiredAt = now }
      keys.append(key)
    }
    return (key.id, current)
  }

  /// The key that signs new tokens.
  var signingKey: SigningKey? { keys.withLock { $0.last { $0.retiredAt == nil } } }

  /// The key called `id`, if it still verifies at `now`.
  func verificationKey(_ id: String, now: Int64) -> SigningKey? {
    keys.withLock { keys in
      keys.first { $0.id == id && (($0.retiredAt).map { now < $0 + verifyRetiredFor } ?? true) }
    }
  }

  /// Every key that verifies at `now`, oldest first: what the JWKS publishes.
  public func verificationKeys(now: Int64) -> [SigningKey] {
    keys.withLock { keys in keys.filter { ($0.retiredAt).map { now < $0 + verifyRetiredFor } ?? true } }
  }
}
