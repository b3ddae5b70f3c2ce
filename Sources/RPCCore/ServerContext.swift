public import Logging

/// What a server handler knows about its call besides the request message.
public struct ServerContext: Sendable {
  /// The method being called.
  public var method: MethodDescriptor
  /// The request headers, pseudo-headers and transport headers excluded.
  public var requestMetadata: Metadata
  /// When the call's `grpc-timeout` runs out, if it has one.
  public var deadline: ContinuousClock.Instant?
  /// The remote address, e.g. `127.0.0.1:53412`.
  public var peer: String
  /// The server's logger.
  public var logger: Logger
  /// The least version of the policy's response fields this call's answer carries (raised
  /// by the policy while the handler runs, e.g. to a write's own commit revision).
  public let responseVersionFloor = ResponseVersionFloor()
  /// Who calls, once the registry's `CallAuthenticator` verified the call's credentials;
  /// `nil` before that and for calls without any.
  public var caller: CallCaller?
  /// The request's authority (HTTP/2 `:authority`, HTTP/1.1 `Host`), when it had one: the
  /// host and port the client reached the server by.
  public var authority: String?
  /// Where a refusal raised inside the handler is recorded: the registry's authenticator when
  /// it records refusals (set with ``caller``); `nil` without one.
  public var refusals: (any CallRefusals)?
  /// Where the authenticator notes the caller its credential names, refused or not, for the
  /// call's ``CallRecord``; `nil` when nothing records calls.
  public var identifiedCaller: IdentifiedCaller?
  /// The call's request id: the request's `x-request-id` when usable, else the one the
  /// transport generated; echoed in the response and recorded (`CallRecord.requestID`).
  /// `nil` for a context no transport made.
  public var requestID: String?

  /// The context of the call whose handler is running, bound by ``MethodRegistry`` around
  /// every handler it registered: what code below a handler (organization scope, authorship)
  /// reads of the caller without threading the context through every function.
  @TaskLocal public static var current: ServerContext?

  /// Creates a context.
  public init(
    method: MethodDescriptor, requestMetadata: Metadata, deadline: ContinuousClock.Instant?,
    peer: String, logger: Logger
  ) {
    self.method = method
    self.requestMetadata = requestMetadata
    self.deadline = deadline
    self.peer = peer
    self.logger = logger
  }
}
