internal import NIOCore
internal import Synchronization

/// Reply bytes encoded but not yet sent, summed over every HTTP/2 connection of a server and
/// bounded by `limit`. Each connection reports its own queued bytes (`ConnectionReplyBudget`);
/// a connection that finds no room here asks to be woken once some is freed.
final class SharedReplyBudget: Sendable {
  /// Bytes above which no connection starts another reply.
  let limit: Int
  private let used = Atomic<Int>(0)
  private let waiters = Mutex<[@Sendable () -> Void]>([])
  private let hasWaiters = Atomic<Bool>(false)

  init(limit: Int) {
    self.limit = limit
  }

  /// The bytes reported as queued.
  var queued: Int { used.load(ordering: .relaxed) }

  /// Whether a connection with `unreported` queued bytes of its own may add more.
  func hasRoom(unreported: Int = 0) -> Bool {
    used.load(ordering: .relaxed) + unreported < limit
  }

  /// Adds a connection's change in queued bytes; freeing bytes wakes the waiting connections
  /// once there is room.
  func add(_ delta: Int) {
    let total = used.wrappingAdd(delta, ordering: .relaxed).newValue
    if delta < 0, total < limit, hasWaiters.load(ordering: .relaxed) { wakeAll() }
  }

  /// Calls `wake` once there is room (at once when there already is); `wake` runs on
  /// whatever thread frees the bytes, so it should only hop to its own event loop.
  func notifyWhenRoom(_ wake: @escaping @Sendable () -> Void) {
    waiters.withLock {
      $0.append(wake)
      hasWaiters.store(true, ordering: .relaxed)
    }
    // Bytes freed between the caller's check and the registration must not be missed.
    if hasRoom() { wakeAll() }
  }

  private func wakeAll() {
    let woken = waiters.withLock {
      let all = $0
      $0 = []
      hasWaiters.store(false, ordering: .relaxed)
      return all
    }
    for wake in woken { wake() }
  }
}

/// One connection's share of the reply budget: its queued reply bytes are bounded by
/// `limit` and counted in the server's `SharedReplyBudget`. Calls that find no room wait
/// here, in arrival order, instead of encoding a reply nobody can take yet: a unary call
/// before its handler runs, a streaming call with its writer suspended. Owned by the
/// connection handler, on its event loop.
struct ConnectionReplyBudget {
  /// Queued bytes above which the connection starts no other reply.
  let limit: Int
  let shared: SharedReplyBudget
  /// This connection's bytes as last reported to `shared`.
  private var reported = 0
  /// Streams waiting for room, oldest first (a stream may have gone meanwhile); an array, not
  /// a `CircularBuffer`, whose 16 slots every connection would allocate up front (at most
  /// SETTINGS_MAX_CONCURRENT_STREAMS wait, so taking the first is cheap).
  private var waiting: [Int32] = []
  /// Whether `shared` will wake this connection.
  var awaitingSharedRoom = false
  /// The connection is gone: nothing is reported any more.
  private var closed = false

  init(limit: Int, shared: SharedReplyBudget) {
    self.limit = limit
    self.shared = shared
  }

  /// Whether a reply may start (or a writer continue) with `queued` bytes already queued on
  /// the connection and no other call waiting before it.
  func hasRoom(queued: Int) -> Bool {
    queued < limit && shared.hasRoom(unreported: queued - reported)
  }

  /// Whether calls are waiting for room.
  var isWaiting: Bool { !waiting.isEmpty }

  /// Whether the room is missing on the server's side only.
  func lacksSharedRoom(queued: Int) -> Bool {
    queued < limit && !shared.hasRoom(unreported: queued - reported)
  }

  /// Puts a stream in line.
  mutating func wait(_ stream: Int32) {
    waiting.append(stream)
  }

  /// The next stream in line, when there is room for it.
  mutating func next(queued: Int) -> Int32? {
    guard !waiting.isEmpty, hasRoom(queued: queued) else { return nil }
    return waiting.removeFirst()
  }

  /// Reports the connection's queued bytes to the server's total.
  mutating func report(queued: Int) {
    guard queued != reported, !closed else { return }
    shared.add(queued - reported)
    reported = queued
  }

  /// The connection is gone: its bytes leave the server's total, and nobody waits any more.
  mutating func close() {
    report(queued: 0)
    closed = true
    waiting.removeAll()
  }
}
