internal import Synchronization

/// Where a call's authenticator leaves the caller it identified, even when it then refuses
/// the call (``ServerContext/identifiedCaller``): how a refused call's record still names its
/// organization and subject without the transport knowing the authenticator. One per call,
/// made by the transport only when something records calls.
public final class IdentifiedCaller: Sendable {
  private let caller = Mutex<CallCaller?>(nil)

  public init() {}

  /// The caller identified so far, if any.
  public var value: CallCaller? { caller.withLock { $0 } }

  /// Notes the caller the call's credential names.
  public func set(_ identified: CallCaller) {
    caller.withLock { $0 = identified }
  }
}
