import Foundation
@testable import FuzzChecks
import RPCCore
import Testing

/// The libFuzzer targets' checks, without libFuzzer: every seed passes, and every input a
/// fuzzer once found (`Regressions/TARGET/NAME`, named after the issue it shows) passes
/// again.
@Suite struct FuzzChecksTests {
  static let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Regressions")

  @Test func protoDecodeSeedsRoundTrip() throws {
    try replaySeeds(ProtoDecodeFuzz.self)
  }

  @Test func deframerSeedsPass() throws {
    try replaySeeds(DeframerFuzz.self)
  }

  @Test func wireCallSeedsPass() throws {
    try replaySeeds(WireCallFuzz.self)
  }

  @Test func everyRequestTypeHasAnIndexByte() {
    #expect(ProtoDecodeFuzz.requestTypes.count <= 256)
    #expect(ProtoDecodeFuzz.requestTypes.contains { $0.protoMessageName == "cloudidl.queue.CreateQueueRequest" })
    #expect(ProtoDecodeFuzz.requestTypes.contains { $0.protoMessageName == "grpc.health.v1.HealthCheckRequest" })
  }

  @Test(arguments: ["ProtoDecodeFuzz", "DeframerFuzz", "WireCallFuzz"])
  func regressionsPass(target: String) throws {
    let check: ([UInt8]) throws -> Void = switch target {
    case "ProtoDecodeFuzz": { try ProtoDecodeFuzz.check(bytes: $0) }
    case "DeframerFuzz": { try DeframerFuzz.check(bytes: $0) }
    default: { try WireCallFuzz.check(bytes: $0) }
    }
    let dir = Self.regressions.appendingPathComponent(target).path
    guard FileManager.default.fileExists(atPath: dir) else { return }
    for path in FuzzDriver.inputFiles([dir]) {
      let name = URL(fileURLWithPath: path).lastPathComponent
      let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
      #expect(throws: Never.self, "\(target)/\(name)") { try check(bytes) }
    }
  }

  /// A check that finds nothing wrong with a broken promise would be no check: these break
  /// each kind of promise on purpose and must be reported.
  @Test func checksReportBrokenPromises() throws {
    let grpc = try WireCall(
      head: WireRequestHead(method: "POST", path: "/p", contentType: "application/grpc", fields: [:]),
      maxMessageSize: 100)
    let injected = WireResponse(head: WireResponseHead(status: 200, fields: [("x", "a\r\nset-cookie: b")]))
    #expect(throws: FuzzFinding.self) { try WireCallFuzz.checkAnswer(injected, call: nil, sent: nil) }
    let huge = WireResponse(head: WireResponseHead(status: 200, fields: [("x", String(repeating: "a", count: 9000))]))
    #expect(throws: FuzzFinding.self) { try WireCallFuzz.checkAnswer(huge, call: nil, sent: nil) }
    let sent = RPCError(code: .notFound, message: "no pool")
    let other = grpc.end(RPCError(code: .internalError, message: "no pool"), responseStarted: false)
    #expect(throws: FuzzFinding.self) { try WireCallFuzz.checkAnswer(other, call: grpc, sent: sent) }
    #expect(throws: Never.self) { try WireCallFuzz.checkAnswer(grpc.end(sent, responseStarted: false), call: grpc, sent: sent) }
    #expect(throws: FuzzFinding.self) { try DeframerFuzz.allowed(RPCError(code: .unknown, message: "")) }
    // A field number past 2^29 - 1 is malformed: refused, so the round trip is not reached.
    #expect(throws: Never.self) { try ProtoDecodeFuzz.check(bytes: [0, 0xF8, 0xFF, 0xFF, 0xFF, 0x7F, 0]) }
  }

  func replaySeeds<T: FuzzTarget>(_: T.Type) throws {
    let seeds = T.seeds
    #expect(seeds.count > 3)
    for (i, seed) in seeds.enumerated() {
      #expect(throws: Never.self, "\(T.name) seed \(i)") { try T.check(bytes: seed) }
    }
  }
}
