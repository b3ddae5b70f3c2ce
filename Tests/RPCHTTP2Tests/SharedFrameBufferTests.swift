import NIOCore
import NIOPosix
import RPCCore
@testable import RPCHTTP2
import Testing
import RPCTestSupport

@Suite struct SharedFrameBufferTests {
  static let length = SessionAllocations.frameBufferLength

  /// The server sessions created on one thread get that thread's frame buffer, once each,
  /// and never free it; every other allocation is their own.
  @Test func sessionsOfOneThreadShareTheFrameBuffer() throws {
    var first = SessionAllocations()
    var second = SessionAllocations()
    let allocated = first.allocate(Self.length)
    let shared = try #require(allocated)
    let again = second.allocate(Self.length)
    #expect(again == shared)
    let more = first.allocate(Self.length)  // e.g. a header block's second chunk
    #expect(more != nil && more != shared)
    first.release(more)
    let zeroed = first.allocateZeroed(4, 1024)
    let small = try #require(zeroed)
    #expect(UnsafeRawBufferPointer(start: small, count: 4096).allSatisfy { $0 == 0 })
    first.release(small)
    first.release(shared)  // a no-op: the thread's other sessions still use it
    first.creating = false
    let later = first.allocate(Self.length)  // after creation: the session's own
    #expect(later != nil && later != shared)
    first.release(later)
    var third = SessionAllocations()
    let reused = third.allocate(Self.length)
    #expect(reused == shared)
    #expect(first.onOwningThread && third.onOwningThread)
  }

  /// Another thread's sessions share another buffer.
  @Test func eachThreadHasItsOwn() async throws {
    var here = SessionAllocations()
    let allocated = here.allocate(Self.length)
    let mine = try #require(allocated)
    let length = Self.length
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let theirs = try await group.next().submit { () -> (Int, Bool) in
      var there = SessionAllocations()
      let pointer = there.allocate(length)
      return (Int(bitPattern: pointer), there.onOwningThread)
    }.get()
    try await group.shutdownGracefully()
    #expect(theirs.0 != 0 && theirs.0 != Int(bitPattern: mine))
    #expect(theirs.1)
  }

  /// Connections of one event loop take turns on its frame buffer: replies of several DATA
  /// frames each (64 KiB and more, in 16 KiB frames), sent on eight connections at once,
  /// arrive whole and on their own connection.
  @Test func interleavedConnectionsKeepTheirBytes() async throws {
    let test = try await TestServer.start()  // one event loop
    let clients = (0..<8).map { _ in
      RPCClient(
        configuration: ClientConfiguration(host: "127.0.0.1", port: test.port), logger: TestServer.logger)
    }
    try await withThrowingTaskGroup(of: Void.self) { group in
      for (index, client) in clients.enumerated() {
        group.addTask {
          let letter = Character(Unicode.Scalar(UInt8(65 + index)))
          for round in 0..<6 {
            let payload = String(repeating: letter, count: (64 << 10) + round * 5_000)
            let reply = try await client.unary(
              Echo.get, request: payload, serializer: UTF8Coder(), deserializer: UTF8Coder(),
              options: CallOptions(metadata: ["x-tag": "client \(index) round \(round)"]))
            #expect(reply == payload + " [client \(index) round \(round)]")
          }
        }
      }
      try await group.waitForAll()
    }
    for client in clients { await client.close() }
    await test.stop()
  }
}
