internal import NIOCore
internal import RPCCore
internal import Synchronization

/// Encoded replies kept by key with what each was rendered from (`Source`: the object and
/// everything its reply shows, e.g. a cluster's health reading), so that a read whose source
/// equals the kept one copies bytes instead of building and encoding a message. A changed
/// source (a new revision of the object, a heartbeat timeout, a drift, a member cluster's
/// state) differs from the kept one, and the reply is encoded again: the cache is never stale
/// by construction. What GetCluster and GetQueue do with it is what ``EncodedPoolCache`` does
/// for the pool Get. A source may also be a stamp of versions that change with everything the
/// reply shows (GetQueue's, ``QueueStamp``), with the instant the reply can change by time
/// alone (`validUntil`): then a read checks the stamp and the clock, and renders nothing.
final class EncodedReplyCache<Key: Hashable & Sendable, Source: Equatable & Sendable>: Sendable {
  private struct Entry: Sendable {
    var source: Source
    var reply: ByteBuffer
    /// The reply is not served from here from this instant on (nil: never too late).
    var validUntil: ContinuousClock.Instant?
  }

  private let entries = Mutex<[Key: Entry]>([:])
  /// What the replies are, as encoding errors name it (e.g. `cluster`).
  let kind: String

  init(kind: String) { self.kind = kind }

  /// The reply for `source` under `key`: the kept bytes when their source is `source`, else
  /// `encode()`'s, kept when `keep` (a reply whose key any caller could invent, such as an
  /// unwritten organization's `default`, is not: the cache would grow without bound).
  func reply(_ key: Key, _ source: Source, keep: Bool = true, encode: () throws -> [UInt8]) throws(RPCError) -> ByteBuffer {
    if let kept = kept(key, source) { return kept }
    return try encoded(key, source, keep: keep, encode: encode)
  }

  /// The kept reply under `key` when it was kept for `source` and its `validUntil` (if any)
  /// is still ahead; nil otherwise.
  func kept(_ key: Key, _ source: Source) -> ByteBuffer? {
    guard let entry = entries.withLock({ $0[key] }), entry.source == source else { return nil }
    if let validUntil = entry.validUntil, ContinuousClock.now >= validUntil { return nil }
    return entry.reply
  }

  /// `encode()`'s reply for `source`, kept under `key` (when `keep`) until `validUntil`.
  func encoded(
    _ key: Key, _ source: Source, validUntil: ContinuousClock.Instant? = nil, keep: Bool = true, encode: () throws -> [UInt8]
  ) throws(RPCError) -> ByteBuffer {
    let bytes: [UInt8]
    do {
      bytes = try encode()
    } catch {
      throw RPCError(code: .internalError, message: "could not encode \(kind) \(key): \(error)")
    }
    var reply = ByteBufferAllocator().buffer(capacity: bytes.count)
    reply.writeBytes(bytes)
    if keep { entries.withLock { $0[key] = Entry(source: source, reply: reply, validUntil: validUntil) } }
    return reply
  }

  /// Number of replies kept.
  var count: Int { entries.withLock { $0.count } }
}
