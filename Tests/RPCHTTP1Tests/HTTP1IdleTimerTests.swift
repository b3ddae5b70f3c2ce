import RPCHTTP2
import Testing
import RPCTestSupport

/// The idle timer stays armed across requests (it is not cancelled and armed again per call):
/// a keep-alive connection is closed only after a whole idle timeout without a request.
@Suite struct HTTP1IdleTimerTests {
  @Test func aConnectionCalledMoreOftenThanItsIdleTimeoutStaysOpenThenClosesOnceIdle() async throws {
    var limits = ServerConfiguration.Limits()
    limits.firstRequestTimeout = .seconds(1)
    limits.idleTimeout = .seconds(1)
    let test = try await TestServer.start(limits: limits)
    let clock = ContinuousClock()
    try await HTTP1TestClient.with(port: test.port) { connection in
      let start = clock.now
      var last = start
      var calls = 0
      // Calls 100 ms apart for 2.5 idle timeouts (1 s: on a machine loaded by the parallel
      // tests, 400 ms passed between a reply and the next request). A gap of a whole timeout
      // (a stalled test task) lets the server close the connection rightly: the loop stops
      // there.
      while clock.now - start < .milliseconds(2500), clock.now - last < .milliseconds(500) {
        try await connection.send(.connect(Echo.inline, "call \(calls)"))
        let reply = try #require(try await connection.reply(), "closed while in use, after \(calls) calls")
        #expect(reply.text == "inline:call \(calls)")
        last = clock.now
        calls += 1
        try await Task.sleep(for: .milliseconds(100))
      }
        // Idle now: closed after the timeout counted from the last answer.
      #expect(await connection.isClosedByServer())
      #expect(clock.now - last >= .milliseconds(500))
    }
    await test.stop()
  }

  @Test func anInlineFirstCallAnswersFromItsFastPartInItsReadOrFromItsTask() async throws {
    let test = try await TestServer.start()
    let replies = try await HTTP1TestClient.exchange(port: test.port, [
      .connect(Echo.first, "fast one"), .connect(Echo.first, "slow one"), .connect(Echo.first, "fast two"),
    ])
    #expect(replies.map(\.status) == [200, 200, 200])
    #expect(replies.map(\.text) == ["fast:fast one", "full:slow one", "fast:fast two"])
    await test.stop()
  }
}
