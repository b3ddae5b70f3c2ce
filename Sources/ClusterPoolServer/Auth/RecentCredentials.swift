internal import ClusterPoolAuth

/// The last few credentials ``AccessGate`` looked up, each with its digest: a client repeats
/// its credential on every call (a connection's calls all carry the same one), and comparing
/// its bytes with these, in constant time, costs far less than hashing it again. They are kept
/// in memory only, as the request headers they arrived in are, and never logged; the gate's
/// remembered callers stay keyed by digest.
struct RecentCredentials {
  /// Credentials kept at most (the oldest replaced first).
  static let capacity = 4
  private var slots: [(credential: [UInt8], digest: CredentialDigest)] = []
  private var next = 0

  /// The digest of `credential`, when it is one of the recent ones.
  func digest(of credential: UnsafeRawBufferPointer) -> CredentialDigest? {
    for slot in slots where Self.same(slot.credential, credential) { return slot.digest }
    return nil
  }

  /// Keeps `credential` with its digest, replacing the oldest when full.
  mutating func remember(_ credential: UnsafeRawBufferPointer, _ digest: CredentialDigest) {
    guard self.digest(of: credential) == nil else { return }
    let slot = (Array(credential), digest)
    if slots.count < Self.capacity {
      slots.append(slot)
    } else {
      slots[next] = slot
      next = (next + 1) % Self.capacity
    }
  }

  /// Whether `a` and `b` hold the same bytes, in a time that depends on their length only.
  static func same(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    return a.withUnsafeBytes { a in
      var difference: UInt64 = 0
      var offset = 0
      while offset + 8 <= a.count {
        difference |= a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
      }
      while offset < a.count {
        difference |= UInt64(a[offset] ^ b[offset])
        offset += 1
      }
      return difference == 0
    }
  }
}
