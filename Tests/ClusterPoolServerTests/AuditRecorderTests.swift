import ClusterPoolDomain
import ClusterPoolStore
import Logging
import RPCCore
import Testing

@testable import ClusterPoolServer

/// Flood aggregation of refused calls: per (organization, peer host, method, status) and
/// window, a few records one by one and one counting the rest; too many keys share one.
@Suite struct AuditRecorderTests {
  func recorder(maxKeys: Int = 1_000) async throws -> (AuditRecorder, PoolStore) {
    let (store, _) = try await AccessGateTests.storeAndAuth()
    var settings = AuditRecorder.Settings()
    settings.maxKeys = maxKeys
    let acme = try Organization(validating: "acme")
    return (AuditRecorder(store: store, defaultOrganization: acme, settings: settings, logger: Logger(label: "test")), store)
  }

  func call(_ peer: String, _ method: String = "/cloudidl.clusterpool.ClusterPoolService/List") -> AuditCall {
    AuditCall(method: method, identity: nil, requestID: "r", peer: peer)
  }

  @Test func aFloodBecomesAFewRecordsCountingEveryCall() async throws {
    let (recorder, store) = try await recorder()
    let start = ContinuousClock.now
    for port in 0..<10_000 { recorder.refused(call("10.0.0.1:\(port)"), organization: nil, code: 16, message: "no credentials") }
    recorder.refused(call("10.0.0.2:1"), organization: nil, code: 16, message: "no credentials")
    let now = recorder.due(at: start)
    #expect(now.count == 6 && now.allSatisfy { $0.count == 1 && $0.organization.name == "acme" })
    let later = recorder.due(at: start + .seconds(11))
    #expect(later.map(\.count) == [9_995] && later[0].outcome.message.hasPrefix("9995 more like it from 10.0.0.1"))
    #expect(recorder.due(at: start + .seconds(22)).isEmpty)  // a new window, nothing in it
    try await store.appendAudit(now + later)
    let stored = try await store.auditRecords(AuditQuery(organization: try Organization(validating: "acme"))).records
    #expect(stored.map(\.count).reduce(0, +) == 10_001)
    await store.close()
  }

  @Test func manyAddressesShareOneKeyPastTheLimit() async throws {
    let (recorder, store) = try await recorder(maxKeys: 10)
    let start = ContinuousClock.now
    for host in 0..<1_000 { recorder.refused(call("10.0.\(host / 256).\(host % 256):1"), organization: nil, code: 16, message: "x") }
    let records = recorder.due(at: start) + recorder.due(at: start + .seconds(11))
    // 10 keys of their own (one record each), then one shared key: 5 records and one counting 985
    #expect(records.count == 16 && records.map(\.count).reduce(0, +) == 1_000)
    #expect(records.last?.peer == "*" && records.last?.count == 985)
    await store.close()
  }
}
