import Logging
import NIOCore
@testable import RPCCore
import Testing

struct UTF8Coder: MessageSerializer, MessageDeserializer {
  struct BadUTF8: Error {}
  func serialize(_ message: String, into buffer: inout ByteBuffer) { buffer.writeString(message) }
  func deserialize(_ buffer: ByteBuffer) throws -> String {
    guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
      throw BadUTF8()
    }
    return text
  }
}

@Suite struct MethodRegistryTests {
  let context = ServerContext(
    method: MethodDescriptor(service: "t.S", method: "M"), requestMetadata: [:], deadline: nil,
    peer: "test", logger: Logger(label: "test"))

  @Test func inlineUnaryDecodesCallsAndFrames() throws {
    let registry = MethodRegistry()
    let method = MethodDescriptor(service: "t.S", method: "Upper")
    registry.registerUnaryInline(method, deserializer: UTF8Coder(), serializer: UTF8Coder()) {
      request, _ in request.uppercased()
    }
    #expect(registry.methods == [method])
    guard case .unaryInline(let run) = registry.snapshot()[method.path] else {
      Issue.record("not inline")
      return
    }
    var out = ByteBuffer()
    try run(ByteBuffer(string: "abc"), context, GRPCMessageFramer(), &out)
    var deframer = GRPCMessageDeframer(maxMessageSize: 100)
    deframer.append(out)
    #expect(try deframer.next() == ByteBuffer(string: "ABC"))
  }

  @Test func undecodableRequestIsInvalidArgument() async throws {
    let registry = MethodRegistry()
    let method = MethodDescriptor(service: "t.S", method: "Echo")
    registry.registerUnary(method, deserializer: UTF8Coder(), serializer: UTF8Coder()) { r, _ in r }
    guard case .unary(let run) = registry.snapshot()[method.path] else {
      Issue.record("not unary")
      return
    }
    await #expect(throws: RPCError.self) { try await run(ByteBuffer(bytes: [0xFF, 0xFE]), context) }
    do {
      _ = try await run(ByteBuffer(bytes: [0xFF]), context)
    } catch let error as RPCError {
      #expect(error.code == .invalidArgument)
    }
  }

  @Test func handlerErrorsMapToStatuses() {
    let logger = Logger(label: "test")
    struct Secret: Error {}
    let own = RPCError(code: .notFound, message: "nope")
    #expect(MethodHandler.status(for: own, logger: logger) == own)
    #expect(MethodHandler.status(for: Secret(), logger: logger).code == .unknown)
    #expect(!MethodHandler.status(for: Secret(), logger: logger).message.contains("Secret"))
    #expect(MethodHandler.status(for: CancellationError(), logger: logger).code == .cancelled)
  }
}
