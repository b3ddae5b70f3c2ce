internal import Crypto

/// The SHA-256 of a bearer credential (a token or an API key), as the caches of verified
/// credentials key their entries: the credential itself is never kept. Hashed from the
/// credential's bytes in place, with no copy.
public struct CredentialDigest: Hashable, Sendable {
  let a: UInt64, b: UInt64, c: UInt64, d: UInt64

  /// The digest of `credential`.
  public init(_ credential: String) {
    var credential = credential
    self = credential.withUTF8 { Self(bytes: UnsafeRawBufferPointer($0)) }
  }

  /// The digest of `credential`, a slice of a header value (copied only when not contiguous).
  public init(_ credential: Substring) {
    self =
      credential.utf8.withContiguousStorageIfAvailable { Self(bytes: UnsafeRawBufferPointer($0)) }
      ?? Self(String(credential))
  }

  /// The digest of a credential's bytes.
  public init(bytes: UnsafeRawBufferPointer) {
    var hasher = SHA256()
    hasher.update(bufferPointer: bytes)
    (a, b, c, d) = hasher.finalize().withUnsafeBytes { raw in
      (
        raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
        raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
      )
    }
  }
}
