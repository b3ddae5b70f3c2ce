internal import Synchronization

/// What a server's transport holds now, read when metrics are scraped: open connections by
/// HTTP version, open HTTP/2 streams (calls in progress) and the reply bytes encoded but not
/// yet sent to slow readers (the shared reply budget's count).
public final class TransportCensus: Sendable {
  /// One HTTP/2 connection's open call streams, stored by its own event loop (no atomic
  /// shared by the loops on the hot path) and summed when scraped.
  final class StreamCount: Sendable {
    private let count = Atomic<Int>(0)

    /// The connection's call streams now.
    func set(_ open: Int) { count.store(open, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
  }

  private let http2 = Atomic<Int>(0)
  private let http1 = Atomic<Int>(0)
  private let budget = Mutex<SharedReplyBudget?>(nil)
  private let streamCounts = Mutex<[ObjectIdentifier: StreamCount]>([:])

  init() {}

  /// Open HTTP/2 connections.
  public var http2Connections: Int { http2.load(ordering: .relaxed) }
  /// Open HTTP/1.1 connections.
  public var http1Connections: Int { http1.load(ordering: .relaxed) }
  /// Open HTTP/2 streams carrying RPC calls, over every connection (plain HTTP requests such
  /// as `/metrics` are not counted).
  public var http2Streams: Int { streamCounts.withLock { $0.values.reduce(0) { $0 + $1.value } } }
  /// Reply bytes queued for clients over all HTTP/2 connections (`--max-total-buffered-reply-bytes` bounds it).
  public var bufferedReplyBytes: Int { budget.withLock { $0?.queued ?? 0 } }

  func opened(http2 isHTTP2: Bool) {
    if isHTTP2 { http2.add(1, ordering: .relaxed) } else { http1.add(1, ordering: .relaxed) }
  }

  func closed(http2 isHTTP2: Bool) {
    if isHTTP2 { http2.subtract(1, ordering: .relaxed) } else { http1.subtract(1, ordering: .relaxed) }
  }

  /// A new HTTP/2 connection's stream count, counted until ``forget(_:)``.
  func streamCount() -> StreamCount {
    let count = StreamCount()
    streamCounts.withLock { $0[ObjectIdentifier(count)] = count }
    return count
  }

  /// Stops counting a closed connection's streams.
  func forget(_ count: StreamCount) {
    _ = streamCounts.withLock { $0.removeValue(forKey: ObjectIdentifier(count)) }
  }

  func track(_ replyBudget: SharedReplyBudget) { budget.withLock { $0 = replyBudget } }
}
