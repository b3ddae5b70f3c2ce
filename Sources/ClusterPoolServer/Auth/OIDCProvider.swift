public import ClusterPoolAuth
internal import Foundation
public import Logging
internal import NIOCore
public import RPCCore
internal import RPCHTTP2
public import ServiceLifecycle
internal import Synchronization

/// The external OpenID Connect provider of people's tokens (`--oidc-issuer`): its discovery
/// document and key set fetched at start (``load()``: a failure stops the start, naming the
/// URL), the key set fetched again every `refreshInterval` and when a token names a `kid` the
/// set lacks (at most once per `minimumRefreshGap`), and token requests of people relayed to
/// its token endpoint (``passOn(_:)``). A failed refresh is logged and the keys already
/// loaded stay in use. Run it as a `Service` in the server's group.
public final class OIDCProvider: Service, Sendable {
  /// Where the key set comes from.
  public enum KeySource: Sendable, Hashable {
    /// The discovery document's `jwks_uri`.
    case discovered
    /// A URL (`http://` or `https://`).
    case url(String)
    /// A file holding a JWK Set, read again at each refresh.
    case file(String)
  }

  public let tokens: OIDCTokens
  let keySource: KeySource
  let fetcher: HTTPFetcher
  let refreshInterval: Duration
  let minimumRefreshGap: Duration
  let logger: Logger
  private let discovered = Mutex<OIDCProviderMetadata?>(nil)
  private let requests: AsyncStream<String>
  private let request: AsyncStream<String>.Continuation

  /// A provider for `configuration`; `caFile` (PEM) replaces the system's trust roots.
  public init(
    configuration: OIDCConfiguration, keySource: KeySource = .discovered, caFile: String? = nil,
    refreshInterval: Duration = .seconds(3600), minimumRefreshGap: Duration = .seconds(10), logger: Logger
  ) throws {
    self.tokens = OIDCTokens(configuration: configuration)
    self.keySource = keySource
    self.fetcher = try HTTPFetcher(caFile: caFile)
    self.refreshInterval = refreshInterval
    self.minimumRefreshGap = minimumRefreshGap
    self.logger = logger
    (requests, request) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
    let request = self.request
    tokens.whenKeyUnknown { kid in request.yield(kid) }
  }

  /// The discovery document's endpoints (after ``load()``).
  public var metadata: OIDCProviderMetadata? { discovered.withLock { $0 } }

  /// Fetches the discovery document and the key set; throws naming the URL or file that
  /// failed and why.
  public func load() async throws(OIDCProviderError) {
    let configuration = tokens.configuration
    let url = configuration.discoveryURL
    let metadata: OIDCProviderMetadata
    let document = try await get(url)
    do throws(JSONWebKeySetError) {
      metadata = try OIDCProviderMetadata(discovery: document, expectedIssuer: configuration.issuer)
    } catch {
      throw OIDCProviderError("OIDC discovery document \(url): \(error)")
    }
    discovered.withLock { $0 = metadata }
    try await refreshKeys()
  }

  /// Fetches (or reads) the key set and installs it.
  func refreshKeys() async throws(OIDCProviderError) {
    let source: String
    let bytes: [UInt8]
    switch keySource {
    case .file(let path):
      source = path
      guard let data = FileManager.default.contents(atPath: path) else {
        throw OIDCProviderError("OIDC key set \(path): cannot read the file")
      }
      bytes = [UInt8](data)
    case .url(let url):
      source = url
      bytes = try await get(url)
    case .discovered:
      guard let url = metadata?.jwksURI, !url.isEmpty else {
        throw OIDCProviderError("OIDC discovery document \(tokens.configuration.discoveryURL): no jwks_uri (give --oidc-jwks)")
      }
      source = url
      bytes = try await get(url)
    }
    do {
      let keys = try JSONWebKeySet(json: bytes)
      tokens.install(keys)
      for reason in keys.skipped { logger.notice("OIDC key set \(source): \(reason): left out") }
    } catch {
      throw OIDCProviderError("OIDC key set \(source): \(error)")
    }
  }

  /// The body of a GET of `url` answered 200.
  private func get(_ url: String) async throws(OIDCProviderError) -> [UInt8] {
    do {
      let response = try await fetcher.fetch(url, fields: [("accept", "application/json")])
      guard response.status == 200 else { throw OIDCProviderError("\(url): HTTP status \(response.status)") }
      return response.body
    } catch let error as OIDCProviderError {
      throw error
    } catch {
      throw OIDCProviderError("cannot fetch \(url): \(error)")
    }
  }

  public func run() async throws {
    await cancelWhenGracefulShutdown {
      await withDiscardingTaskGroup { group in
        group.addTask { await self.refreshPeriodically() }
        group.addTask { await self.refreshOnRequest() }
      }
    }
  }

  private func refreshPeriodically() async {
    while !Task.isCancelled {
      do { try await Task.sleep(for: refreshInterval) } catch { return }
      await refresh(reason: "periodic")
    }
  }

  private func refreshOnRequest() async {
    let clock = ContinuousClock()
    var last: ContinuousClock.Instant?
    for await kid in requests {
      if let last, clock.now < last + minimumRefreshGap {
        do { try await Task.sleep(until: last + minimumRefreshGap, clock: clock) } catch { return }
        if tokens.keySet?.contains(id: kid) == true { continue }
      }
      last = clock.now
      await refresh(reason: "unknown key id \(kid.prefix(64))")
    }
  }

  private func refresh(reason: String) async {
    do {
      try await refreshKeys()
      logger.debug("OIDC key set fetched again (\(reason))")
    } catch {
      logger.warning("cannot fetch the OIDC key set again (\(reason); the loaded keys stay in use): \(error)")
    }
  }

  /// Relays a token request (device code, refresh token, authorization code) to the
  /// provider's token endpoint and returns its answer as it is (a 502 `temporarily_unavailable`
  /// when the provider cannot be reached).
  package func passOn(_ request: HTTPRouteRequest) async -> WireResponse {
    let noStore = [("cache-control", "no-store"), ("pragma", "no-cache")]
    guard let endpoint = metadata?.tokenEndpoint, !endpoint.isEmpty else {
      return HTTPRoute.json(
        .object([("error", .string("unsupported_grant_type")), ("error_description", .string("the OIDC provider has no token endpoint"))]),
        status: 400, fields: noStore)
    }
    var fields: [(String, String)] = [("content-type", request.contentType ?? "application/x-www-form-urlencoded"), ("accept", "application/json")]
    if let authorization = request.fields.first("authorization") { fields.append(("authorization", authorization)) }
    do {
      let reply = try await fetcher.fetch(endpoint, method: "POST", fields: fields, body: Array(request.body.readableBytesView))
      var head = noStore
      head.append(("content-type", reply.first("content-type") ?? "application/json"))
      return WireResponse(head: WireResponseHead(status: reply.status, fields: head), body: ByteBuffer(bytes: reply.body))
    } catch {
      logger.warning("cannot pass a token request on to the OIDC provider: \(error)")
      return HTTPRoute.json(
        .object([
          ("error", .string("temporarily_unavailable")),
          ("error_description", .string("the OIDC provider's token endpoint cannot be reached: \(error)")),
        ]), status: 502, fields: noStore)
    }
  }
}

/// Why the OpenID Connect provider's documents cannot be used; names the URL or file.
public struct OIDCProviderError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
