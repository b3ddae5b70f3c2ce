public import ClusterPoolDomain
public import ClusterPoolStore
public import Logging
internal import RPCCore
public import ServiceLifecycle
internal import Synchronization

/// Records the calls that changed nothing: writes the rules rejected and requests refused
/// (`UNAUTHENTICATED`, `PERMISSION_DENIED`), each in a transaction of its own (never the
/// refused call's: it has none), written in the background a batch at a time so a refusal
/// costs its caller nothing. Aggregated under floods so an attacker cannot fill the disk: per
/// (organization, peer host, method, status code) and window, the first
/// ``Settings/individualPerWindow`` calls get a record each; the rest of the window's become
/// one record counting them (``AuditRecord/count``), written when the window ends. Keys beyond
/// ``Settings/maxKeys`` in a window share one key per organization (peer and method `*`), so a
/// flood from many addresses is bounded too: at most (keys + organizations) x
/// (individualPerWindow + 1) records per window.
///
/// A swift-service-lifecycle `Service`: run it in the server's group; it writes what is left
/// at shutdown.
public final class AuditRecorder: Service, Sendable {
  /// Flood limits (defaults documented per field).
  public struct Settings: Sendable {
    /// How long a window lasts (default 10 s).
    public var window: Duration = .seconds(10)
    /// Records per key and window before the rest are counted (default 5).
    public var individualPerWindow = 5
    /// Keys per window before new ones share one per organization (default 1,000).
    public var maxKeys = 1_000
    /// How often pending records are written (default 200 ms).
    public var flushInterval: Duration = .milliseconds(200)

    public init() {}
  }

  struct Key: Hashable {
    var organization: Organization
    var peerHost: String
    var method: String
    var code: Int32
  }

  struct Tally {
    var calls: UInt64 = 0
    var recorded = 0
    /// The last call counted but not recorded, standing for them all.
    var last: AuditRecord?
  }

  struct State {
    var windowStart: ContinuousClock.Instant
    var tallies: [Key: Tally] = [:]
    var pending: [AuditRecord] = []
  }

  let store: PoolStore
  let settings: Settings
  let logger: Logger
  /// Where calls without an organization (no verified credential) are recorded.
  public let defaultOrganization: Organization
  private let state: Mutex<State>

  public init(store: PoolStore, defaultOrganization: Organization, settings: Settings = .init(), logger: Logger) {
    self.store = store
    self.defaultOrganization = defaultOrganization
    self.settings = settings
    self.logger = logger
    state = Mutex(State(windowStart: .now))
  }

  /// Counts (and, below the flood limit, records) a call of `call` in `organization` (the
  /// default one when nil) on `target` that ended with `code` and `message`. Never blocks.
  public func refused(_ call: AuditCall, organization: Organization?, target: AuditTarget = .none, code: Int32, message: String) {
    let organization = organization ?? defaultOrganization
    let record = call.record(organization, target, AuditOutcome(code: code, message: Self.short(message)), at: Self.now())
    var key = Key(organization: organization, peerHost: Self.host(call.peer), method: call.method, code: code)
    state.withLock { state in
      if state.tallies[key] == nil && state.tallies.count >= settings.maxKeys {
        key = Key(organization: organization, peerHost: "*", method: "*", code: code)
      }
      var tally = state.tallies[key] ?? Tally()
      tally.calls += 1
      if tally.recorded < settings.individualPerWindow {
        tally.recorded += 1
        state.pending.append(record)
      } else {
        tally.last = record
      }
      state.tallies[key] = tally
    }
  }

  /// The records due now: those pending, and when the window is over one per key counting
  /// the calls it did not record (the window then starts again).
  func due(at now: ContinuousClock.Instant) -> [AuditRecord] {
    state.withLock { state in
      var records = state.pending
      state.pending = []
      guard now - state.windowStart >= settings.window else { return records }
      let seconds = settings.window.components.seconds
      for (key, tally) in state.tallies.sorted(by: { $0.value.calls > $1.value.calls }) {
        guard var record = tally.last else { continue }
        let more = tally.calls - UInt64(tally.recorded)
        record.count = more
        record.outcome.message = Self.short(
          "\(more) more like it from \(key.peerHost == "*" ? "many addresses" : key.peerHost) within \(seconds) s, aggregated: "
            + record.outcome.message)
        if key.method == "*" { record.peer = "*" }
        records.append(record)
      }
      state.tallies = [:]
      state.windowStart = now
      return records
    }
  }

  public func run() async throws {
    await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        try? await Task.sleep(for: self.settings.flushInterval)
        await self.flush(at: .now)
      }
    }
    await flush(at: .now + settings.window)
  }

  /// Writes the records due at `now`.
  func flush(at now: ContinuousClock.Instant) async {
    let records = due(at: now)
    guard !records.isEmpty else { return }
    do {
      try await store.appendAudit(records)
    } catch {
      logger.error("cannot write audit records of refused calls", metadata: ["records": "\(records.count)", "error": "\(error)"])
    }
  }

  /// `text` cut to 300 characters, control characters replaced by spaces.
  static func short(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.prefix(300).map { $0.value < 0x20 || $0.value == 0x7f ? " " : $0 }))
  }

  /// The host of `peer` (`host:port`, `[v6]:port`), for grouping a client's connections.
  static func host(_ peer: String) -> String {
    guard let colon = peer.lastIndex(of: ":") else { return peer }
    return String(peer[..<colon])
  }

  static func now() -> Timestamp { WallClock.now() }
}
