import NIOCore
import RPCCore
@testable import RPCHTTP2
import Testing
import RPCTestSupport

/// The server's receive-buffer sizer: small enough for a channel to hold in place, sizes as
/// documented, and large requests still arrive whole through buffers that start at 512 bytes.
@Suite struct CompactRecvAllocatorTests {
  @Test func itFitsInAnExistentialsInlineBuffer() {
    #expect(MemoryLayout<CompactRecvAllocator>.size <= 3 * MemoryLayout<Int>.size)
  }

  @Test func sizesArePowersOfTwoFromTheInitialGrowingOnFullReadsShrinkingAfterTwoHalfEmptyOnes() {
    var sizer = CompactRecvAllocator(minimum: 100, initial: 600, maximum: 3000)  // 64, 512, 4096
    /// Records a read; returns whether the sizer said the buffer may grow, and the next size.
    func read(_ bytes: Int) -> (grew: Bool, size: Int) {
      let grew = sizer.record(actualReadBytes: bytes)
      return (grew, sizer.size)
    }
    #expect(sizer.size == 512)
    #expect(sizer.nextBufferSize() == 512)
    #expect(sizer.buffer(allocator: ByteBufferAllocator()).capacity >= 512)
    #expect(read(512) == (true, 1024))  // full: doubles
    #expect(read(1024) == (true, 2048))
    #expect(read(2048) == (true, 4096))
    #expect(read(4096) == (false, 4096))  // at the maximum
    #expect(read(2048) == (false, 4096))  // half: not yet
    #expect(read(3000) == (false, 4096))  // more than half: the count starts again
    #expect(read(100) == (false, 4096))
    #expect(read(100) == (false, 2048))  // twice in a row: halves
    for _ in 0..<20 { _ = read(0) }
    #expect(sizer.size == 64)  // never below the minimum
    #expect(read(64) == (true, 128))
  }

  @Test func aRequestManyTimesTheFirstBufferArrivesWhole() async throws {
    let test = try await TestServer.start()
    let body = [UInt8](repeating: 7, count: 300_000)
    let answer = try await test.client.unary(Echo.size, request: body, serializer: BytesCoder(), deserializer: BytesCoder())
    #expect(answer == body)
    #expect(await test.probe.wait(for: "size:300000"))
    await test.stop()
  }
}
