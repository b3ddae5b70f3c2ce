public import RPCCore
internal import Synchronization

/// Keeps every record the server hands it.
public final class RecordingObserver: CallObserver {
  private let records = Mutex<[CallRecord]>([])

  public init() {}

  public func callFinished(_ record: CallRecord) { records.withLock { $0.append(record) } }
  public var all: [CallRecord] { records.withLock { $0 } }

  /// Waits until `count` records arrived (generous timeout), then a moment more for any
  /// record too many, and returns them all.
  public func settle(at count: Int) async -> [CallRecord] {
    _ = await eventually(timeout: .seconds(30)) { all.count >= count }
    try? await Task.sleep(for: .milliseconds(100))
    return all
  }
}

/// Authenticates `Bearer good` (caller acme/alice), refuses `Bearer denied` after naming
/// its caller (acme/mallory, as the server's access gate does), and `Bearer bad` unnamed.
public struct TokenAuthenticator: CallAuthenticator {
  public init() {}

  public func authenticate(_ context: ServerContext) throws(RPCError) -> CallCaller? {
    switch context.requestMetadata.first("authorization") {
    case "Bearer good": return CallCaller(organization: "acme", kind: .user, subject: "alice")
    case "Bearer denied":
      context.identifiedCaller?.set(CallCaller(organization: "acme", kind: .user, subject: "mallory"))
      throw RPCError(code: .permissionDenied, message: "mallory may not")
    case "Bearer bad": throw RPCError(code: .unauthenticated, message: "invalid token")
    default: return nil
    }
  }
}
