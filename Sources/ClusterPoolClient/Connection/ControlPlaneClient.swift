internal import ClusterPoolProto
public import Logging
internal import RPCCore
internal import RPCHTTP2

/// One connection to the control plane (established on the first call, re-established after
/// it drops) with the settings every call uses: organization, deadline. Every call sends the
/// highest revision the client has seen, so that a server replica answers only once it has
/// applied it (read-your-writes; see ``highestRevision``).
///
/// The static API (`ClusterPool.get("prod")`) uses `ControlPlaneClient.shared` unless it is
/// given a client; create one yourself to talk to a specific server.
public final class ControlPlaneClient: Sendable {
  /// The settings this client was made with.
  public let settings: ConnectionSettings
  let rpc: RPCClient
  let revisions: RevisionMemory
  /// The bearer tokens of `settings.credentials`, when they are sent (see ``sendsCredentials``).
  let tokens: BearerTokens?
  /// Whether the server confirmed dry runs, for a dry-run client; `nil` for one that writes.
  let dryRunState: DryRunState?

  /// A client for `settings`; nothing connects until the first call. `logger` receives the
  /// transport's messages; `nil` discards them. With `dryRun`, every call asks for a dry run
  /// (see ``isDryRun``).
  public init(settings: ConnectionSettings, logger: Logger? = nil, dryRun: Bool = false) {
    self.settings = settings
    let logger = logger ?? Self.silentLogger
    let rpc = RPCClient(configuration: settings.clientConfiguration, logger: logger)
    self.rpc = rpc
    self.revisions = RevisionMemory()
    self.tokens = settings.credentials.flatMap { credentials in
      settings.sendsCredentials ? BearerTokens(credentials: credentials, settings: settings, rpc: rpc, logger: logger) : nil
    }
    self.dryRunState = dryRun ? DryRunState() : nil
  }

  /// A client over `base`'s connection, credentials and revisions, asking for dry runs or not.
  init(sharing base: ControlPlaneClient, dryRun: Bool) {
    self.settings = base.settings
    self.rpc = base.rpc
    self.tokens = base.tokens
    self.revisions = base.revisions
    self.dryRunState = dryRun ? DryRunState() : nil
  }

  /// A client configured like the CLI: `overrides`, then the environment, then the config file.
  public convenience init(_ overrides: ConnectionOverrides = .init(), logger: Logger? = nil) throws(ConfigurationError) {
    self.init(settings: try .resolve(overrides), logger: logger)
    if let minRevision = overrides.minRevision { noteRevision(minRevision) }
  }

  static let silentLogger = Logger(label: "ClusterPoolClient", factory: { _ in SwiftLogNoOpLogHandler() })

  /// The organization sent in identifiers; empty means the server's default.
  public var organization: String { settings.organization }

  /// Closes the connection once its calls finish; later calls fail.
  public func close() async {
    await tokens?.close()
    await rpc.close()
  }

  /// Calls a unary method; every failure is thrown as `ClientError`.
  func call<Request: ProtoMessage, Response: ProtoMessage>(
    _ method: ProtoMethodInfo, _ request: Request, returning: Response.Type = Response.self
  ) async throws(ClientError) -> Response {
    try checkDryRun(before: method)
    do {
      return try await authorized(timeout: settings.callTimeout, retry: true) { options in
        try await rpc.unary(
          MethodDescriptor(service: method.serviceName, method: method.name), request: request,
          serializer: ProtoSerializer<Request>(), deserializer: ProtoDeserializer<Response>(), options: options)
      }
    } catch {
      throw ClientError(error, settings: settings, method: Self.operation(method))
    }
  }

  /// Calls a server-streaming method without a deadline; `handler` reads the responses until
  /// it returns or the stream ends. Every failure is thrown as `ClientError`.
  func stream<Request: ProtoMessage, Response: ProtoMessage, Result>(
    _ method: ProtoMethodInfo, _ request: Request, returning: Response.Type = Response.self,
    handler: (RPCAsyncSequence<Response>) async throws -> Result
  ) async throws(ClientError) -> Result {
    try checkDryRun(before: method)
    do {
      // No retry: the handler may have read responses before a failure.
      return try await authorized(timeout: nil, retry: false) { options in
        try await rpc.serverStreaming(
          MethodDescriptor(service: method.serviceName, method: method.name), request: request,
          serializer: ProtoSerializer<Request>(), deserializer: ProtoDeserializer<Response>(), options: options,
          handler: handler)
      }
    } catch {
      throw ClientError(error, settings: settings, method: Self.operation(method))
    }
  }

  /// How errors name a method: `ClusterPoolService/Get`, `ClusterService/WatchClusters`.
  static func operation(_ method: ProtoMethodInfo) -> String {
    "\(method.serviceName.split(separator: ".").last ?? "")/\(method.name)"
  }
}
