import Logging
import NIOCore
import Testing

@testable import RPCCore

/// A policy runs every `.unary` handler (``CallPolicy/run(_:_:)``), waiting or not, and the
/// floor it raises on the call's context is the version of that call's response fields.
@Suite struct CallPolicyRunTests {
  /// Reports version 5 for every answer; a handler it runs raises its call's floor to 9.
  final class FloorPolicy: CallPolicy {
    func admission(_ context: ServerContext) throws(RPCError) -> (@Sendable () async throws -> Void)? { nil }
    func responseVersion() -> UInt64 { 5 }
    func responseFields(version: UInt64) -> [(String, String)] { [("v", String(version))] }
    func run<Output: Sendable>(_ context: ServerContext, _ handler: @Sendable () async throws -> Output) async throws -> Output {
      defer { context.responseVersionFloor.raise(to: 9) }
      return try await handler()
    }
  }

  func context() -> ServerContext {
    ServerContext(
      method: MethodDescriptor(service: "t.S", method: "M"), requestMetadata: [:], deadline: nil, peer: "test",
      logger: Logger(label: "test"))
  }

  @Test func aUnaryHandlerRunsThroughThePolicyAndItsCallCarriesTheFloor() async throws {
    let policy = FloorPolicy()
    let handler = MethodHandler.unary { request, _ in request }
    let call = context()
    let other = context()
    guard case .unary(let run) = try handler.admitted(call, by: policy) else {
      Issue.record("not a unary handler")
      return
    }
    #expect(policy.currentResponseFields(for: call).first?.1 == "5", "before the handler ran")
    _ = try await run(ByteBuffer(string: "x"), call)
    #expect(policy.currentResponseFields(for: call).first?.1 == "9")
    #expect(policy.currentResponseFields(for: other).first?.1 == "5", "another call keeps the policy's version")
  }

  @Test func theFloorOnlyRises() {
    let floor = ResponseVersionFloor()
    floor.raise(to: 7)
    floor.raise(to: 3)
    #expect(floor.value == 7)
  }
}
