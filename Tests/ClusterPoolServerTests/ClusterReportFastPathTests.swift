import ClusterPoolDomain
import ClusterPoolProto
import Logging
import NIOCore
import RPCCore
import Testing

@testable import ClusterPoolServer

/// Heartbeat and UpdateStatus are answered on the event loop (no task, no thread hop: issue 13,
/// a heartbeat's server CPU) when they change nothing durable, and leave everything else to
/// their full handler: a cluster's first report and a zero-load report of a DRAINING one (a
/// durable write), an unknown or deleted cluster, a caller who may not report on it.
@Suite(.timeLimit(.minutes(2))) struct ClusterReportFastPathTests {
  typealias API = Cloudidl.Cluster

  /// The fast part of the served method `name`, called as the transport calls it (nil when the
  /// method has none).
  struct FastPart {
    let run: @Sendable (ByteBuffer, ServerContext, GRPCMessageFramer, inout ByteBuffer) throws -> Bool

    func callAnswers<Request: ProtoMessage>(_ request: Request, caller: CallCaller? = nil) throws -> Bool {
      var context = ServerContext(
        method: MethodDescriptor(service: ClusterService.serviceName, method: "Heartbeat"), requestMetadata: [:],
        deadline: nil, peer: "test", logger: Logger(label: "test"))
      context.caller = caller
      var body = ByteBuffer()
      try ProtoSerializer<Request>().serialize(request, into: &body)
      var out = ByteBuffer()
      let answered = try run(body, context, GRPCMessageFramer(), &out)
      #expect(out.readableBytes == (answered ? 5 : 0), "an empty message in its envelope, or nothing")
      return answered
    }
  }

  func fastPart(_ name: String, of service: ClusterService) throws -> FastPart {
    let registry = MethodRegistry()
    service.register(in: registry)
    let handler = registry.snapshot()[MethodDescriptor(service: ClusterService.serviceName, method: name).path]
    guard case .unaryInlineFirst(let fast, _) = handler else { throw RPCError(code: .internalError, message: "\(name) is not inline-first") }
    return FastPart(run: fast)
  }

  func beat(_ name: String, org: String = "") -> API.HeartbeatRequest { API.HeartbeatRequest(clusterId: ClusterID(organization: org, name: name)) }

  func lastSeen(_ name: String, _ server: ClusterTestServer) throws -> ContinuousClock.Instant? {
    let key = ClusterKey(organization: try Organization(validating: "acme"), name: try ResourceName(validating: name))
    return server.clusters.health.state.withLock { $0.entries[key]?.lastSeen }
  }

  @Test func aHeartbeatOfAReportedClusterIsRecordedAtOnce() async throws {
    try await withClusterServer { pools, clusters, server in
      let heartbeat = try fastPart("Heartbeat", of: server.clusters)
      try await pools.create("prod")
      try await clusters.create("c1", pool: "prod")
      // the first report changes its lifecycle (durable): left to the full handler, no health yet
      #expect(try heartbeat.callAnswers(beat("c1")) == false)
      #expect(try await clusters.get("c1").status?.health == .unknown)
      try await clusters.heartbeat("c1")
      let before = try #require(try lastSeen("c1", server))
      #expect(try heartbeat.callAnswers(beat("c1")))
      #expect(try #require(try lastSeen("c1", server)) > before, "recorded by the fast part")
      #expect(try await clusters.get("c1").status?.health == .healthy)
      // unknown, deleted, another organization's, a caller limited to other clusters: the full
      // handler answers (NOT_FOUND, PERMISSION_DENIED, recorded where it refuses)
      #expect(try heartbeat.callAnswers(beat("nope")) == false)
      #expect(try heartbeat.callAnswers(beat("c1", org: "beta")) == false)
      #expect(try heartbeat.callAnswers(beat("c1"), caller: CallCaller(organization: "beta", kind: .app, subject: "x")) == false)
      #expect(try heartbeat.callAnswers(beat("c1"), caller: CallCaller(organization: "acme", kind: .app, subject: "dp", limitedTo: ["c2"])) == false)
      #expect(try heartbeat.callAnswers(beat("c1"), caller: CallCaller(organization: "acme", kind: .app, subject: "dp", limitedTo: ["c1"])))
      #expect(try heartbeat.callAnswers(API.HeartbeatRequest()) == false, "no cluster_id: INVALID_ARGUMENT from the full handler")
      // a DELETING cluster still reports (its zero-load report or silence ends it); a DELETED
      // one is NOT_FOUND
      #expect(try await clusters.delete("c1").drainStatus?.overallState == .deleting)
      #expect(try heartbeat.callAnswers(beat("c1")))
      try await clusters.create("c2", pool: "prod")
      #expect(try await clusters.delete("c2").drainStatus?.overallState == .deleted)
      #expect(try heartbeat.callAnswers(beat("c2")) == false)
    }
  }

  @Test func aStatusReportIsRecordedAtOnceUnlessItEndsADrain() async throws {
    try await withClusterServer { pools, clusters, server in
      let status = try fastPart("UpdateStatus", of: server.clusters)
      try await pools.create("prod", uri: "s3://prod")
      try await clusters.create("c1", pool: "prod")
      try await clusters.heartbeat("c1")
      // a drifting data plane, reported at once: UNHEALTHY with its reason
      let drifting = API.UpdateStatusRequest(
        clusterId: ClusterID(name: "c1"),
        status: .init(operatorClusterData: .init(metadataObjectStoreRef: .init(uri: "s3://other"), secretStore: .init(type: .awsSecretsManager))))
      #expect(try status.callAnswers(drifting))
      let read = try await clusters.get("c1").status
      #expect(read?.health == .unhealthy && read?.unhealthyReasons.contains { $0.contains("s3://other") } == true)
      let zero = API.UpdateStatusRequest(clusterId: ClusterID(name: "c1"), status: .init(capabilities: .init(executionLoad: .init())))
      #expect(try status.callAnswers(zero), "zero load of an ACTIVE cluster changes nothing durable")
      #expect(try await clusters.setState("c1", .draining).drainStatus?.overallState == .draining)
      #expect(try status.callAnswers(zero) == false, "DRAINING to DRAINED is a durable write")
      let negative = API.UpdateStatusRequest(
        clusterId: ClusterID(name: "c1"), status: .init(capabilities: .init(executionLoad: .init(activeExecutionsCount: -1))))
      #expect(try status.callAnswers(negative) == false, "an invalid load: INVALID_ARGUMENT from the full handler")
    }
  }
}
