internal import Synchronization

/// What a server's transport holds now, read when metrics are scraped: open connections by
/// HTTP version and the reply bytes encoded but not yet sent to slow readers (the shared
/// reply budget's count).
public final class TransportCensus: Sendable {
  private let http2 = Atomic<Int>(0)
  private let http1 = Atomic<Int>(0)
  private let budget = Mutex<SharedReplyBudget?>(nil)

  init() {}

  /// Open HTTP/2 connections.
  public var http2Connections: Int { http2.load(ordering: .relaxed) }
  /// Open HTTP/1.1 connections.
  public var http1Connections: Int { http1.load(ordering: .relaxed) }
  /// Reply bytes queued for clients over all HTTP/2 connections (`--max-total-buffered-reply-bytes` bounds it).
  public var bufferedReplyBytes: Int { budget.withLock { $0?.queued ?? 0 } }

  func opened(http2 isHTTP2: Bool) {
    if isHTTP2 { http2.add(1, ordering: .relaxed) } else { http1.add(1, ordering: .relaxed) }
  }

  func closed(http2 isHTTP2: Bool) {
    if isHTTP2 { http2.subtract(1, ordering: .relaxed) } else { http1.subtract(1, ordering: .relaxed) }
  }
  func track(_ replyBudget: SharedReplyBudget) { budget.withLock { $0 = replyBudget } }
}
