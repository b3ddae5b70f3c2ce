internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import ClusterPoolStore
internal import NIOCore
internal import RPCCore
internal import Synchronization

/// A response whose protobuf bytes are already encoded.
struct EncodedMessage: Sendable {
  var bytes: ByteBuffer
}

/// Writes an ``EncodedMessage`` as it is.
struct EncodedMessageSerializer: MessageSerializer {
  func serialize(_ message: EncodedMessage, into buffer: inout ByteBuffer) throws {
    buffer.writeImmutableBuffer(message.bytes)
  }
}

/// Each pool's encoded `ClusterPool` message and `GetResponse`, so that Get and List copy
/// bytes instead of encoding. Entries are keyed by pool and checked against the pool's
/// revision, so a changed pool is re-encoded on its next read (whoever changes a pool,
/// membership included, must give it a new revision).
final class EncodedPoolCache: Sendable {
  struct Entry: Sendable {
    var revision: UInt64
    /// The `ClusterPool` message.
    var pool: ByteBuffer
    /// `GetResponse { cluster_pool = pool }` (also `UndeleteResponse`: same field number).
    var getResponse: ByteBuffer
  }

  private let entries = Mutex<[PoolKey: Entry]>([:])

  /// The encoded forms of `pool`, from the cache when its revision matches.
  func entry(for pool: ClusterPool) throws(RPCError) -> Entry {
    if let entry = entries.withLock({ $0[pool.key] }), entry.revision == pool.revision { return entry }
    let bytes: [UInt8]
    do {
      bytes = try ClusterPoolMessages.message(pool).serializedBytes()
    } catch {
      throw RPCError(code: .internalError, message: "could not encode cluster pool \(pool.key): \(error)")
    }
    var single = ByteBufferAllocator().buffer(capacity: bytes.count)
    single.writeBytes(bytes)
    var response = ByteBufferAllocator().buffer(capacity: bytes.count + 6)
    Self.writeField(1, single, into: &response)
    let entry = Entry(revision: pool.revision, pool: single, getResponse: response)
    // An organization's implicit `default` (revision 0) is not cached: any organization name
    // has one, and caching them would let callers grow the cache without bound.
    // A dry run's pool (a revision handed out, then rolled back) is never kept: a later
    // commit may reach the same revision with other content.
    if pool.revision != 0 && !StoreDryRun.isActive { entries.withLock { $0[pool.key] = entry } }
    return entry
  }

  /// Appends a length-delimited field (`tag`, varint length, bytes).
  static func writeField(_ number: UInt32, _ bytes: ByteBuffer, into buffer: inout ByteBuffer) {
    writeVarint(UInt64(number << 3 | 2), into: &buffer)
    writeVarint(UInt64(bytes.readableBytes), into: &buffer)
    buffer.writeImmutableBuffer(bytes)
  }

  static func writeVarint(_ value: UInt64, into buffer: inout ByteBuffer) {
    var value = value
    while value >= 0x80 {
      buffer.writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
      value >>= 7
    }
    buffer.writeInteger(UInt8(value))
  }
}
