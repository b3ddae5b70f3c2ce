public import Logging

/// What a server handler knows about its call besides the request message.
///
/// A value with one reference inside: its fields live in one copy-on-write ``Storage``. A
/// call's context is copied 3-4 times on its way (into its stream, into the handler's
/// `TaskLocal` binding, out of it) and each copy of a dozen stored fields retained every
/// reference among them through the type's value witnesses (a `ContinuousClock.Instant` is
/// resilient): ~5,700 instructions of a pool Get's ~61,000 (callgrind, README).
public struct ServerContext: Sendable {
  /// The fields, shared by copies until one of them changes a field (then it copies them).
  /// Its fields are `@exclusivity(unchecked)`: written only through a context that holds the
  /// only reference (``unique``), so no access can overlap one; the run-time checks cost ~120
  /// instructions a call.
  final class Storage: @unchecked Sendable {  // changed only when uniquely referenced
    @exclusivity(unchecked) var method: MethodDescriptor
    @exclusivity(unchecked) var requestMetadata: Metadata
    @exclusivity(unchecked) var deadline: ContinuousClock.Instant?
    @exclusivity(unchecked) var peer: String
    @exclusivity(unchecked) var logger: Logger
    let responseVersionFloor: ResponseVersionFloor
    @exclusivity(unchecked) var caller: CallCaller?
    @exclusivity(unchecked) var authority: String?
    @exclusivity(unchecked) var refusals: (any CallRefusals)?
    @exclusivity(unchecked) var identifiedCaller: IdentifiedCaller?
    @exclusivity(unchecked) var requestID: String?

    init(
      method: MethodDescriptor, requestMetadata: Metadata, deadline: ContinuousClock.Instant?, peer: String,
      logger: Logger, responseVersionFloor: ResponseVersionFloor
    ) {
      self.method = method
      self.requestMetadata = requestMetadata
      self.deadline = deadline
      self.peer = peer
      self.logger = logger
      self.responseVersionFloor = responseVersionFloor
    }

    /// A copy of every field (the floor object shared, as copies of the context share it).
    func copy() -> Storage {
      let copy = Storage(
        method: method, requestMetadata: requestMetadata, deadline: deadline, peer: peer, logger: logger,
        responseVersionFloor: responseVersionFloor)
      copy.caller = caller
      copy.authority = authority
      copy.refusals = refusals
      copy.identifiedCaller = identifiedCaller
      copy.requestID = requestID
      return copy
    }
  }

  private var storage: Storage

  /// The storage, copied first when another context shares it.
  private var unique: Storage {
    mutating get {
      if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
      return storage
    }
  }

  /// The method being called.
  public var method: MethodDescriptor {
    get { storage.method }
    set { unique.method = newValue }
  }
  /// The request headers, pseudo-headers and transport headers excluded.
  public var requestMetadata: Metadata {
    get { storage.requestMetadata }
    set { unique.requestMetadata = newValue }
  }
  /// When the call's `grpc-timeout` runs out, if it has one.
  public var deadline: ContinuousClock.Instant? {
    get { storage.deadline }
    set { unique.deadline = newValue }
  }
  /// The remote address, e.g. `127.0.0.1:53412`.
  public var peer: String {
    get { storage.peer }
    set { unique.peer = newValue }
  }
  /// The server's logger.
  public var logger: Logger {
    get { storage.logger }
    set { unique.logger = newValue }
  }
  /// The least version of the policy's response fields this call's answer carries (raised
  /// by the policy while the handler runs, e.g. to a write's own commit revision).
  public var responseVersionFloor: ResponseVersionFloor { storage.responseVersionFloor }
  /// Who calls, once the registry's `CallAuthenticator` verified the call's credentials;
  /// `nil` before that and for calls without any.
  public var caller: CallCaller? {
    get { storage.caller }
    set { unique.caller = newValue }
  }
  /// The request's authority (HTTP/2 `:authority`, HTTP/1.1 `Host`), when it had one: the
  /// host and port the client reached the server by.
  public var authority: String? {
    get { storage.authority }
    set { unique.authority = newValue }
  }
  /// Where a refusal raised inside the handler is recorded: the registry's authenticator when
  /// it records refusals (set with ``caller``); `nil` without one.
  public var refusals: (any CallRefusals)? {
    get { storage.refusals }
    set { unique.refusals = newValue }
  }
  /// Where the authenticator notes the caller its credential names, refused or not, for the
  /// call's ``CallRecord``; `nil` when nothing records calls.
  public var identifiedCaller: IdentifiedCaller? {
    get { storage.identifiedCaller }
    set { unique.identifiedCaller = newValue }
  }
  /// The call's request id: the request's `x-request-id` when usable, else the one the
  /// transport generated; echoed in the response and recorded (`CallRecord.requestID`).
  /// `nil` for a context no transport made.
  public var requestID: String? {
    get { storage.requestID }
    set { unique.requestID = newValue }
  }

  /// The context of the call whose handler is running, bound by ``MethodRegistry`` around
  /// every handler it registered: what code below a handler (organization scope, authorship)
  /// reads of the caller without threading the context through every function.
  @TaskLocal public static var current: ServerContext?

  /// Creates a context.
  public init(
    method: MethodDescriptor, requestMetadata: Metadata, deadline: ContinuousClock.Instant?,
    peer: String, logger: Logger
  ) {
    storage = Storage(
      method: method, requestMetadata: requestMetadata, deadline: deadline, peer: peer, logger: logger,
      responseVersionFloor: ResponseVersionFloor())
  }
}
