public import ClusterPoolDomain
internal import ClusterPoolProto
public import ClusterPoolStore
public import RPCCore

/// `clusterpool.audit.v1.AuditService`: `List` (one organization's records, oldest first,
/// filtered, paged by sequence number) and `Watch` (records appended from a sequence number
/// on: woken by this server's commits, and reading the log every ``pollInterval`` for other
/// replicas'). Served under `ACTION_ADMINISTER_ACCOUNT` (``MethodAccess``).
public struct AuditService: Sendable {
  public static let serviceName = "clusterpool.audit.v1.AuditService"
  /// How often a watch reads the log without being woken (other replicas' records).
  public static let pollInterval: Duration = .seconds(1)
  typealias API = Clusterpool.Audit.V1

  let store: PoolStore
  /// The organization of requests that name none (authentication off).
  let defaultOrganization: Organization
  let hub = AuditWatchHub()

  public init(store: PoolStore, defaultOrganization: Organization) {
    self.store = store
    self.defaultOrganization = defaultOrganization
  }

  static func method(_ name: String) -> MethodDescriptor { MethodDescriptor(service: serviceName, method: name) }

  /// Ends every watch (graceful shutdown).
  public func endWatches() { hub.endAll() }

  public func register(in registry: MethodRegistry) {
    let hub = self.hub
    store.observeAudit { hub.appended($0) }
    registry.unary(Self.method("List"), API.ListRequest.self, API.ListResponse.self) { request, _ in
      let organization = try CallScope.resolve(request.organization, fallback: defaultOrganization)
      let query = try AuditMessages.query(request, in: organization)
      let (records, next) = try await read { try await store.auditRecords(query) }
      return API.ListResponse(records: records.map(AuditMessages.record), nextToken: next.map(String.init) ?? "")
    }
    registry.serverStreaming(Self.method("Watch"), API.WatchRequest.self, API.WatchResponse.self) { request, writer, _ in
      let organization = try CallScope.resolve(request.organization, fallback: defaultOrganization)
      guard let log = store.auditLog else { throw RPCError(code: .unimplemented, message: "this store keeps no audit log") }
      let (wakeups, id) = hub.subscribe(organization)
      defer { hub.unsubscribe(id) }
      var after = request.afterSequence
      if after == 0 { after = try await read { try await log.auditHead(organization).sequence } }
      let ticker = Task {
        while !Task.isCancelled {
          try? await Task.sleep(for: Self.pollInterval)
          hub.poke(id)
        }
      }
      defer { ticker.cancel() }
      for await _ in wakeups {
        while true {
          let page = try await read { try await log.auditRecords(organization, after: after, since: nil, limit: 500) }
          guard let last = page.last else { break }
          after = last.sequence
          try await writer.write(API.WatchResponse(records: page.map(AuditMessages.record)))
          if page.count < 500 { break }
        }
      }
    }
  }

  /// Runs a read of the audit log, its failure `UNAVAILABLE` naming the cause.
  func read<T>(_ body: () async throws -> T) async throws(RPCError) -> T {
    do {
      return try await body()
    } catch {
      throw RPCError(code: .unavailable, message: "cannot read the audit log: \(error)")
    }
  }
}
