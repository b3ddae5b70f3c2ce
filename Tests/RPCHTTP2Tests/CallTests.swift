import NIOCore
import RPCCore
@testable import RPCHTTP2
import Synchronization
import Testing
import RPCTestSupport

@Suite struct CallTests {
  @Test func unaryEchoesWithMetadata() async throws {
    let test = try await TestServer.start()
    #expect(try await test.unary("hello") == "hello")
    let options = CallOptions(metadata: ["x-tag": "t1"])
    #expect(try await test.unary("hi", options: options) == "hi [t1]")
    #expect(try await test.unary(Echo.inline, "fast") == "inline:fast")
    #expect(try await test.unary("") == "")
    await test.stop()
  }

  @Test func serverStreamingDeliversEveryMessage() async throws {
    let test = try await TestServer.start()
    let items = try await test.client.serverStreaming(
      Echo.count, request: "500", serializer: UTF8Coder(), deserializer: UTF8Coder()
    ) { responses in
      var all: [String] = []
      for try await item in responses { all.append(item) }
      return all
    }
    #expect(items == (0..<500).map { "item \($0)" })
    await test.stop()
  }

  @Test func leavingAResponseStreamEarlyStopsTheServer() async throws {
    let test = try await TestServer.start()
    let firstThree = try await test.client.serverStreaming(
      Echo.flood, request: "go", serializer: UTF8Coder(), deserializer: BytesCoder()
    ) { responses in
      var sizes: [Int] = []
      for try await message in responses {
        sizes.append(message.count)
        if sizes.count == 3 { break }
      }
      return sizes
    }
    #expect(firstThree == [16 << 10, 16 << 10, 16 << 10])
    #expect(await test.probe.wait(for: "flood ended"))
    await test.stop()
  }

  @Test func bidiStreamingInterleaves() async throws {
    let test = try await TestServer.start()
    let replies = try await test.client.bidiStreaming(
      Echo.chat, serializer: UTF8Coder(), deserializer: UTF8Coder(),
      requests: { writer in
        for index in 0..<100 { try await writer.write("m\(index)") }
      },
      handler: { responses in
        var all: [String] = []
        for try await reply in responses { all.append(reply) }
        return all
      })
    #expect(replies == (0..<100).map { "echo: m\($0)" } + ["done"])
    await test.stop()
  }

  @Test func thousandConcurrentCallsShareOneConnection() async throws {
    let test = try await TestServer.start()
    try await withThrowingTaskGroup(of: Void.self) { group in
      for index in 0..<1000 {
        group.addTask {
          let method = index.isMultiple(of: 2) ? Echo.get : Echo.inline
          let reply = try await test.unary(method, "call \(index)")
          #expect(reply.hasSuffix("call \(index)"))
        }
      }
      try await group.waitForAll()
    }
    await test.stop()
  }

  @Test func largeMessagesBeyondTheWindowBothWays() async throws {
    let test = try await TestServer.start()
    let request = [UInt8](repeating: 1, count: 3 << 20)
    let reply = try await test.client.unary(
      Echo.size, request: request, serializer: BytesCoder(), deserializer: BytesCoder())
    #expect(reply.count == 3 << 20)
    #expect(reply.allSatisfy { $0 == 7 })
    await test.stop()
  }

  @Test func errorsCarryTheirStatus() async throws {
    let test = try await TestServer.start()
    let notFound = await rpcError { _ = try await test.unary(Echo.fail, "x") }
    #expect(notFound?.code == .notFound)
    #expect(notFound?.message == "no such thing: \"x\" — 100%")
    // The trailers-only answer's fields: the request id the server made for the call.
    #expect(notFound?.metadata.first("x-request-id")?.count == 32)
    let crash = await rpcError { _ = try await test.unary(Echo.crash, "x") }
    #expect(crash?.code == .unknown)
    #expect(crash?.message.contains("InternalDetail") == false)
    let unknown = await rpcError {
      _ = try await test.unary(MethodDescriptor(service: "test.Echo", method: "Nope"), "x")
    }
    #expect(unknown?.code == .unimplemented)
    let undecodable = await rpcError {
      _ = try await test.client.unary(
        Echo.get, request: [0xFF, 0xFE], serializer: BytesCoder(), deserializer: UTF8Coder())
    }
    #expect(undecodable?.code == .invalidArgument)
    // The connection survives all of these.
    #expect(try await test.unary("still here") == "still here")
    await test.stop()
  }

  @Test func gzipRequestsAndResponses() async throws {
    let test = try await TestServer.start()
    let text = String(repeating: "compress me ", count: 2000)
    let reply = try await test.unary(text, options: CallOptions(compressRequests: true))
    #expect(reply == text)
    await test.stop()
  }

  @Test func oversizedRequestIsResourceExhausted() async throws {
    let test = try await TestServer.start()
    let error = await rpcError {
      _ = try await test.client.unary(
        Echo.size, request: [UInt8](repeating: 0, count: 5 << 20), serializer: BytesCoder(),
        deserializer: BytesCoder())
    }
    #expect(error?.code == .resourceExhausted)
    #expect(!test.probe.events.contains { $0.hasPrefix("size:") })
    #expect(try await test.unary("after") == "after")
    await test.stop()
  }

  @Test func deadlineExpiresAndCancelsTheHandler() async throws {
    let test = try await TestServer.start()
    let start = ContinuousClock.now
    let error = await rpcError {
      _ = try await test.unary(Echo.slow, "d1", options: CallOptions(timeout: .milliseconds(300)))
    }
    #expect(error?.code == .deadlineExceeded)
    #expect(ContinuousClock.now - start < .seconds(5))
    #expect(await test.probe.wait(for: "cancelled:d1"))
    await test.stop()
  }

  @Test func clientCancellationStopsTheHandler() async throws {
    let test = try await TestServer.start()
    let call = Task { try await test.unary(Echo.slow, "c1") }
    #expect(await test.probe.wait(for: "started:c1"))
    call.cancel()
    let result = await call.result
    #expect((try? result.get()) == nil)
    if case .failure(let error) = result { #expect((error as? RPCError)?.code == .cancelled) }
    #expect(await test.probe.wait(for: "cancelled:c1"))
    await test.stop()
  }
}

@Suite struct HeaderLimitTests {
  @Test func headerListBeyondTheLimitIsRefused() async throws {
    var limits = ServerConfiguration.Limits()
    limits.maxHeaderListSize = 4096
    let test = try await TestServer.start(limits: limits)
    let big = CallOptions(metadata: ["x-big": String(repeating: "a", count: 8192)])
    let error = await rpcError { _ = try await test.unary("x", options: big) }
    #expect(error?.code == .resourceExhausted)
    #expect(try await test.unary("small") == "small")
    await test.stop()
  }
}
