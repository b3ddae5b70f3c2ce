import NIOCore
import RPCCore
@testable import RPCHTTP2
import Testing
import RPCTestSupport

/// A server's idle HTTP/2 connections share one timer per event loop (`IdleConnections`):
/// each is still closed a whole idle timeout after its own last stream went, whichever others
/// are idle beside it, come back to work or go away.
@Suite struct IdleConnectionsTests {
  /// When a raw client first saw its GOAWAY (polled; `nil` if none came in time).
  private func goAwayTimes(_ clients: [RawHTTP2Client], within limit: Duration = .seconds(30)) async -> [ContinuousClock.Instant?] {
    var seen = [ContinuousClock.Instant?](repeating: nil, count: clients.count)
    let start = ContinuousClock.now
    while seen.contains(where: { $0 == nil }), ContinuousClock.now - start < limit {
      for (index, client) in clients.enumerated() where seen[index] == nil && !client.goAways.isEmpty {
        seen[index] = .now
      }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return seen
  }

  /// One inline call; returns when it was sent (the server's idle start is later).
  private func call(_ client: RawHTTP2Client, _ text: String) async throws -> ContinuousClock.Instant {
    let sent = ContinuousClock.now
    let id = try await client.request(
      path: Echo.inline.path, headers: [("content-type", "application/grpc")], body: RawHTTP2Client.message(text))
    let answer = try #require(await client.response(id))
    #expect(answer.headers.last?["grpc-status"] == "0")
    return sent
  }

  @Test func connectionsIdleSinceDifferentTimesEachCloseAWholeTimeoutAfterTheirOwnLastCall() async throws {
    var limits = ServerConfiguration.Limits()
    limits.idleTimeout = .seconds(1)
    let test = try await TestServer.start(limits: limits)  // one event loop: one list for all
    var clients: [RawHTTP2Client] = []
    var sent: [ContinuousClock.Instant] = []
    for index in 0..<3 {
      if index > 0 { try await Task.sleep(for: .milliseconds(500)) }
      let client = try await RawHTTP2Client.connect(port: test.port)
      clients.append(client)
      sent.append(try await call(client, "c\(index)"))
    }
    // Closing every connection due when the first one is would close the second 0.5 s and
    // the third 0 s after their calls.
    let closed = await goAwayTimes(clients)
    for index in clients.indices {
      let at = try #require(closed[index], "connection \(index) never got its GOAWAY")
      #expect(at - sent[index] >= limits.idleTimeout, "connection \(index) closed \(at - sent[index]) after its call")
    }
    for client in clients { await client.close() }
    #expect(await eventually { test.server.connectionCount == 0 })
    await test.stop()
  }

  @Test func aConnectionBusyAtItsDeadlineClosesATimeoutAfterItsLastStreamGoes() async throws {
    var limits = ServerConfiguration.Limits()
    limits.idleTimeout = .milliseconds(500)
    let test = try await TestServer.start(limits: limits)
    let raw = try await RawHTTP2Client.connect(port: test.port)
    _ = try await call(raw, "first")  // idle from here: in the loop's list
    let held = try await raw.request(
      path: Echo.hold.path, headers: [("content-type", "application/grpc")], body: RawHTTP2Client.message("held"))
    #expect(await test.probe.wait(for: "holding:held"))
    try await Task.sleep(for: .milliseconds(1200))  // past the deadline counted from the first call
    #expect(raw.goAways.isEmpty, "closed with a call in progress")
    let released = ContinuousClock.now
    test.probe.record("release")
    #expect(try #require(await raw.response(held)).headers.last?["grpc-status"] == "0")
    let closed = await goAwayTimes([raw])
    let at = try #require(closed[0], "never closed once idle")
    #expect(at - released >= limits.idleTimeout)
    await raw.close()
    await test.stop()
  }

  @Test func connectionsClosedByTheirClientsWhileIdleLeaveTheOthersTimedAsBefore() async throws {
    var limits = ServerConfiguration.Limits()
    limits.idleTimeout = .milliseconds(800)
    let test = try await TestServer.start(limits: limits)
    var clients: [RawHTTP2Client] = []
    var sent: [ContinuousClock.Instant] = []
    for index in 0..<5 {
      let client = try await RawHTTP2Client.connect(port: test.port)
      clients.append(client)
      sent.append(try await call(client, "c\(index)"))
    }
    // The first, a middle one and the last of the list go while idle.
    for index in [0, 2, 4] { await clients[index].close() }
    #expect(await eventually { test.server.connectionCount == 2 })
    let kept = [1, 3]
    let closed = await goAwayTimes(kept.map { clients[$0] })
    for (place, index) in kept.enumerated() {
      let at = try #require(closed[place], "connection \(index) never got its GOAWAY")
      #expect(at - sent[index] >= limits.idleTimeout)
    }
    #expect(await eventually { test.server.connectionCount == 0 })
    // The list is empty again and still works: a new connection is served, then closed.
    let again = try await RawHTTP2Client.connect(port: test.port)
    let againSent = try await call(again, "again")
    let againClosed = await goAwayTimes([again])
    #expect(try #require(againClosed[0]) - againSent >= limits.idleTimeout)
    await again.close()
    await test.stop()
  }

  @Test func overlappingCallsOnOneConnectionAreAnsweredAndCountedWhateverOrderTheyEndIn() async throws {
    let test = try await TestServer.start()
    let raw = try await RawHTTP2Client.connect(port: test.port)
    // The first call ends last, the others before it: streams leave in another order than
    // they came.
    var ids: [(Int32, String)] = []
    for delay in ["600", "100", "300"] {
      let id = try await raw.request(
        path: Echo.sleep.path, headers: [("content-type", "application/grpc")], body: RawHTTP2Client.message(delay))
      ids.append((id, delay))
    }
    for (id, delay) in ids {
      let answer = try #require(await raw.response(id))
      #expect(answer.headers.last?["grpc-status"] == "0")
      var data = answer.data
      data.moveReaderIndex(forwardBy: 5)
      #expect(data.readString(length: data.readableBytes) == "slept \(delay)")
    }
    // Three held at once are three open streams of one connection until released.
    var held: [Int32] = []
    for index in 0..<3 {
      held.append(try await raw.request(
        path: Echo.hold.path, headers: [("content-type", "application/grpc")], body: RawHTTP2Client.message("h\(index)")))
    }
    for index in 0..<3 { #expect(await test.probe.wait(for: "holding:h\(index)")) }
    #expect(test.server.census.http2Streams == 3)
    #expect(test.server.census.http2Connections == 1)
    test.probe.record("release")
    for id in held { #expect(try #require(await raw.response(id)).headers.last?["grpc-status"] == "0") }
    #expect(await eventually { test.server.census.http2Streams == 0 })
    _ = try await call(raw, "after")
    #expect(test.server.census.http2Streams == 0)
    await raw.close()
    #expect(await eventually { test.server.census.http2Connections == 0 })
    await test.stop()
  }
}
