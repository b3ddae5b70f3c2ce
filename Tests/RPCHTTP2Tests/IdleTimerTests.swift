import NIOCore
import RPCCore
@testable import RPCHTTP2
import Testing
import RPCTestSupport

/// The connection's timers are not armed and cancelled per call: the idle timer stays armed
/// while calls come and go, and closes a connection only after a whole idle timeout without a
/// stream; a call's deadline timer is armed only if the call outlives the read it came in.
@Suite struct IdleTimerTests {
  @Test func aConnectionCalledMoreOftenThanItsIdleTimeoutStaysOpenThenClosesOnceIdle() async throws {
    var limits = ServerConfiguration.Limits()
    limits.idleTimeout = .seconds(1)
    let test = try await TestServer.start(limits: limits)
    let raw = try await RawHTTP2Client.connect(port: test.port)
    let clock = ContinuousClock()
    let start = clock.now
    var last = start
    var calls = 0
    // Calls 100 ms apart for 2.5 idle timeouts (1 s: on a machine loaded by the parallel
    // tests, 400 ms passed between a reply and the next request). A gap of a whole timeout (a
    // stalled test task) lets the server close the connection rightly: the loop stops there.
    while clock.now - start < .milliseconds(2500), clock.now - last < .milliseconds(500) {
      let id = try await raw.request(
        path: Echo.inline.path, headers: [("content-type", "application/grpc")],
        body: RawHTTP2Client.message("call \(calls)"))
      let answer = try #require(await raw.response(id))
      #expect(answer.headers.last?["grpc-status"] == "0")
      #expect(raw.goAways.isEmpty, "closed while in use, after \(calls) calls")
      last = clock.now
      calls += 1
      try await Task.sleep(for: .milliseconds(100))
    }
    // Idle now: closed (GOAWAY) after the timeout counted from the last call's end.
    #expect(await eventually { !raw.goAways.isEmpty })
    #expect(clock.now - last >= .milliseconds(500))
    await raw.close()
    await test.stop()
  }

  @Test func deadlinesHoldForCallsAnsweredAtOnceAndForCallsThatOutliveTheirRead() async throws {
    let test = try await TestServer.start()
    // Deadlines long enough for a loaded machine; then the test waits past them.
    let deadline = CallOptions(timeout: .seconds(2))
    for index in 0..<20 {  // answered on the event loop, in the read they came in
      #expect(try await test.unary(Echo.inline, "\(index)", options: deadline) == "inline:\(index)")
    }
    #expect(try await test.unary(Echo.get, "task", options: deadline) == "task")  // answered by a task
    try await Task.sleep(for: .milliseconds(2100))  // past all their deadlines: nothing fires
    #expect(try await test.unary(Echo.inline, "after", options: deadline) == "inline:after")
    let start = ContinuousClock.now
    let error = await rpcError {
      _ = try await test.unary(Echo.slow, "late", options: CallOptions(timeout: .milliseconds(200)))
    }
    #expect(error?.code == .deadlineExceeded)
    #expect(ContinuousClock.now - start >= .milliseconds(150))
    #expect(await test.probe.wait(for: "cancelled:late"))
    await test.stop()
  }

  @Test func anInlineFirstCallAnswersFromItsFastPartInItsReadOrFromItsTask() async throws {
    let test = try await TestServer.start()
    let deadline = CallOptions(timeout: .seconds(10))
    #expect(try await test.unary(Echo.first, "fast one", options: deadline) == "fast:fast one")
    #expect(try await test.unary(Echo.first, "slow one", options: deadline) == "full:slow one")
    #expect(try await test.unary(Echo.first, "fast two") == "fast:fast two")
    await test.stop()
  }
}
