import Logging
import NIOCore
import Synchronization
import Testing

@testable import RPCCore

/// A `.unaryInlineFirst` method: its fast part answers on the caller's thread, with no task and
/// no policy run; what it declines (or cannot decode) runs whole in a task through the policy.
@Suite struct UnaryInlineFirstTests {
  /// What a call reported, as a transport's sink would receive it.
  final class RecordingSink: ServerCallSink {
    let framer = GRPCMessageFramer(isEnveloped: false)
    let results = Mutex<[Result<ByteBuffer, any Error>]>([])
    func send(_ framed: ByteBuffer, continuation: CheckedContinuation<Void, any Error>) {
      continuation.resume(throwing: RPCError(code: .internalError, message: "a unary call sends no messages"))
    }
    func complete(_ result: Result<ByteBuffer, any Error>) { results.withLock { $0.append(result) } }
    func finish(_ error: (any Error)?) { Issue.record("a unary call does not finish a stream") }

    var answers: [String] {
      results.withLock { $0.map { (try? $0.get()).map { String(buffer: $0) } ?? "error" } }
    }
  }

  final class Counter: Sendable {
    let count = Atomic<Int>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
  }

  /// Counts the handlers it ran; `wait` makes every call wait first.
  final class CountingPolicy: CallPolicy {
    let runs = Counter()
    let wait: Bool
    init(wait: Bool = false) { self.wait = wait }
    func admission(_ context: ServerContext) throws(RPCError) -> (@Sendable () async throws -> Void)? {
      guard wait else { return nil }
      return { @Sendable in await Task.yield() }
    }
    func responseVersion() -> UInt64 { 1 }
    func responseFields(version: UInt64) -> [(String, String)] { [] }
    func run<Output: Sendable>(_ context: ServerContext, _ handler: @Sendable () async throws -> Output) async throws -> Output {
      runs.add()
      return try await handler()
    }
  }

  let context = ServerContext(
    method: MethodDescriptor(service: "t.S", method: "Beat"), requestMetadata: [:], deadline: nil, peer: "test",
    logger: Logger(label: "test"))

  /// A method answering "fast:X" when the request starts with "f", else "full:X" from its
  /// task; `fullRuns` counts the full part.
  func registered(fullRuns: Counter) -> MethodHandler? {
    let registry = MethodRegistry()
    let method = MethodDescriptor(service: "t.S", method: "Beat")
    registry.registerUnaryInlineFirst(
      method, deserializer: UTF8Coder(), serializer: UTF8Coder(),
      fast: { request, _ in
        #expect(ServerContext.current?.peer == "test", "the fast part sees its call's context")
        return request.hasPrefix("f") ? "fast:\(request)" : nil
      },
      handler: { request, _ in
        fullRuns.add()
        #expect(ServerContext.current?.peer == "test")
        return "full:\(request)"
      })
    return registry.snapshot()[method.path]
  }

  @Test func theFastPartAnswersWithoutATaskOrThePolicy() async throws {
    let fullRuns = Counter()
    let policy = CountingPolicy()
    let handler = try #require(registered(fullRuns: fullRuns))
    let admitted = try handler.admitted(context, by: policy)
    guard case .unaryInlineFirst = admitted else {
      Issue.record("not inline-first under a policy that lets it run: \(admitted)")
      return
    }
    let sink = RecordingSink()
    let task = admitted.start(request: ByteBuffer(string: "fa"), context: context, sink: sink)
    #expect(task == nil)
    #expect(sink.answers == ["fast:fa"])
    #expect(fullRuns.value == 0 && policy.runs.value == 0)
  }

  @Test func whatTheFastPartDeclinesRunsWholeInATaskThroughThePolicy() async throws {
    let fullRuns = Counter()
    let policy = CountingPolicy()
    let handler = try #require(registered(fullRuns: fullRuns))
    let sink = RecordingSink()
    let task = try handler.admitted(context, by: policy).start(request: ByteBuffer(string: "slow"), context: context, sink: sink)
    await (try #require(task)).value
    #expect(sink.answers == ["full:slow"])
    #expect(fullRuns.value == 1 && policy.runs.value == 1)
  }

  @Test func anUndecodableRequestIsTheFullPartsInvalidArgument() async throws {
    let fullRuns = Counter()
    let handler = try #require(registered(fullRuns: fullRuns))
    let sink = RecordingSink()
    let task = handler.start(request: ByteBuffer(bytes: [0x66, 0xFF]), context: context, sink: sink)
    await (try #require(task)).value
    let result = try #require(sink.results.withLock { $0.first })
    guard case .failure(let error as RPCError) = result else {
      Issue.record("not an RPCError: \(result)")
      return
    }
    #expect(error.code == .invalidArgument)
    #expect(fullRuns.value == 0, "refused while decoding, before the handler")
  }

  @Test func aCallThatMustWaitRunsWholeInItsTask() async throws {
    let fullRuns = Counter()
    let policy = CountingPolicy(wait: true)
    let handler = try #require(registered(fullRuns: fullRuns))
    let admitted = try handler.admitted(context, by: policy)
    guard case .unary = admitted else {
      Issue.record("a waiting call should run as .unary: \(admitted)")
      return
    }
    let sink = RecordingSink()
    await (try #require(admitted.start(request: ByteBuffer(string: "fa"), context: context, sink: sink))).value
    #expect(sink.answers == ["full:fa"])
    #expect(fullRuns.value == 1 && policy.runs.value == 1)
  }

  @Test func itTakesOneRequest() throws {
    let handler = try #require(registered(fullRuns: Counter()))
    #expect(handler.isUnaryRequest)
  }
}
