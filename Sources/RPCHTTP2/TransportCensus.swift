internal import NIOCore
internal import Synchronization

/// What a server's transport holds now, read when metrics are scraped: open connections by
/// HTTP version, open HTTP/2 streams (calls in progress) and the reply bytes encoded but not
/// yet sent to slow readers (the shared reply budget's count).
public final class TransportCensus: Sendable {
  /// The HTTP/2 connections of one event loop and their open call streams. Only that loop
  /// changes them (a load and a store, no read-modify-write shared by the loops on the path
  /// of a call); a scrape sums the loops. Connections hold their loop's, not counts of their
  /// own: nothing per connection to allocate, register and forget.
  final class LoopCounts: Sendable {
    private let connectionCount = Atomic<Int>(0)
    private let streamCount = Atomic<Int>(0)

    /// Adds `delta` HTTP/2 connections (on the loop only).
    func addConnections(_ delta: Int) {
      connectionCount.store(connectionCount.load(ordering: .relaxed) + delta, ordering: .relaxed)
    }

    /// Adds `delta` open call streams (on the loop only).
    func addStreams(_ delta: Int) {
      streamCount.store(streamCount.load(ordering: .relaxed) + delta, ordering: .relaxed)
    }

    var connections: Int { connectionCount.load(ordering: .relaxed) }
    var streams: Int { streamCount.load(ordering: .relaxed) }
  }

  private let http1 = Atomic<Int>(0)
  private let budget = Mutex<SharedReplyBudget?>(nil)
  private let loops = Mutex<[ObjectIdentifier: LoopCounts]>([:])

  init() {}

  /// Open HTTP/2 connections.
  public var http2Connections: Int { loops.withLock { $0.values.reduce(0) { $0 + $1.connections } } }
  /// Open HTTP/1.1 connections.
  public var http1Connections: Int { http1.load(ordering: .relaxed) }
  /// Open HTTP/2 streams carrying RPC calls, over every connection (plain HTTP requests such
  /// as `/metrics` are not counted).
  public var http2Streams: Int { loops.withLock { $0.values.reduce(0) { $0 + $1.streams } } }
  /// Reply bytes queued for clients over all HTTP/2 connections (`--max-total-buffered-reply-bytes` bounds it).
  public var bufferedReplyBytes: Int { budget.withLock { $0?.queued ?? 0 } }

  func openedHTTP1() { http1.add(1, ordering: .relaxed) }

  func closedHTTP1() { http1.subtract(1, ordering: .relaxed) }

  /// The counts of `loop`'s HTTP/2 connections, which its connections change.
  func counts(on loop: any EventLoop) -> LoopCounts {
    loops.withLock { loops in
      if let counts = loops[ObjectIdentifier(loop)] { return counts }
      let counts = LoopCounts()
      loops[ObjectIdentifier(loop)] = counts
      return counts
    }
  }

  func track(_ replyBudget: SharedReplyBudget) { budget.withLock { $0 = replyBudget } }
}
