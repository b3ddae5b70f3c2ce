import NIOCore
@testable import RPCCore
import Testing

@Suite struct GRPCMessageDeframerTests {
  private func framed(_ bytes: [UInt8], compressed: Bool = false) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeInteger(UInt8(compressed ? 1 : 0))
    buffer.writeInteger(UInt32(bytes.count))
    buffer.writeBytes(bytes)
    return buffer
  }

  @Test func wholeMessagesComeOutInOrder() throws {
    var deframer = GRPCMessageDeframer(maxMessageSize: 100)
    var input = framed([1, 2, 3])
    input.writeImmutableBuffer(framed([]))
    input.writeImmutableBuffer(framed([4]))
    deframer.append(input)
    #expect(try deframer.next() == ByteBuffer(bytes: [1, 2, 3]))
    #expect(try deframer.next() == ByteBuffer())
    #expect(try deframer.next() == ByteBuffer(bytes: [4]))
    #expect(try deframer.next() == nil)
    #expect(!deframer.hasPartialMessage)
  }

  @Test func messagesSplitAtEveryByteReassemble() throws {
    let payload = Array(0..<200).map { UInt8($0 & 0xFF) }
    var all = framed(payload)
    all.writeImmutableBuffer(framed([9, 9]))
    var deframer = GRPCMessageDeframer(maxMessageSize: 1000)
    var out: [ByteBuffer] = []
    while let byte = all.readSlice(length: 1) {
      deframer.append(byte)
      while let message = try deframer.next() { out.append(message) }
    }
    #expect(out == [ByteBuffer(bytes: payload), ByteBuffer(bytes: [9, 9])])
  }

  @Test func partialMessageIsReported() throws {
    var deframer = GRPCMessageDeframer(maxMessageSize: 100)
    var input = framed([1, 2, 3, 4])
    deframer.append(input.readSlice(length: 7)!)
    #expect(try deframer.next() == nil)
    #expect(deframer.hasPartialMessage)
  }

  @Test func oversizedPrefixFailsBeforeTheBodyArrives() throws {
    var deframer = GRPCMessageDeframer(maxMessageSize: 1024)
    var prefix = ByteBuffer()
    prefix.writeInteger(UInt8(0))
    prefix.writeInteger(UInt32(5 << 20))
    deframer.append(prefix)  // only the five prefix bytes
    #expect(throws: RPCError.self) { try deframer.next() }
    var fresh = GRPCMessageDeframer(maxMessageSize: 1024)
    do {
      _ = try fresh.nextAfter(prefix)
      Issue.record("expected RESOURCE_EXHAUSTED")
    } catch {
      #expect(error.code == .resourceExhausted)
    }
  }

  @Test func compressedFlagWithoutEncodingIsInternal() {
    var deframer = GRPCMessageDeframer(maxMessageSize: 100)
    deframer.append(framed([1, 2], compressed: true))
    #expect(throws: RPCError(
      code: .internalError, message: "compressed message received without grpc-encoding")
    ) { try deframer.next() }
  }

  @Test func gzipRoundTrip() throws {
    let text = String(repeating: "cluster pool control plane ", count: 100)
    let framer = GRPCMessageFramer(compression: .gzip)
    var wire = ByteBuffer()
    try framer.frame(ByteBuffer(string: text), into: &wire)
    #expect(wire.getInteger(at: 0, as: UInt8.self) == 1)
    #expect(wire.readableBytes < text.utf8.count / 4)
    var deframer = GRPCMessageDeframer(maxMessageSize: 1 << 20, encoding: .gzip)
    deframer.append(wire)
    #expect(try deframer.next() == ByteBuffer(string: text))
  }

  @Test func incompressibleMessagesGoUncompressed() throws {
    var random = ByteBuffer()
    for _ in 0..<4096 { random.writeInteger(UInt8.random(in: 0...255)) }
    var wire = ByteBuffer()
    try GRPCMessageFramer(compression: .gzip).frame(random, into: &wire)
    #expect(wire.getInteger(at: 0, as: UInt8.self) == 0)
    #expect(wire.readableBytes == 5 + 4096)
  }

  @Test func smallMessagesStayUncompressed() throws {
    var wire = ByteBuffer()
    try GRPCMessageFramer(compression: .gzip).frame(ByteBuffer(string: "hi"), into: &wire)
    #expect(wire == framed(Array("hi".utf8)))
  }

  @Test func serializingFramerMatchesBufferFramer() throws {
    for compression in [CompressionAlgorithm?.none, .gzip] {
      let framer = GRPCMessageFramer(compression: compression, minimumCompressedSize: 10)
      let body = ByteBuffer(string: String(repeating: "abc", count: 50))
      var direct = ByteBuffer(string: "prefix")
      try framer.frame(into: &direct) { $0.writeImmutableBuffer(body) }
      var deframer = GRPCMessageDeframer(maxMessageSize: 1000, encoding: compression)
      direct.moveReaderIndex(forwardBy: 6)
      deframer.append(direct)
      #expect(try deframer.next() == body)
    }
  }

  @Test func framerRefusesMessagesAboveItsLimit() throws {
    let framer = GRPCMessageFramer(maxMessageSize: 100)
    var out = ByteBuffer(string: "kept")
    try framer.frame(ByteBuffer(repeating: 1, count: 100), into: &out)
    #expect(out.readableBytes == 4 + 5 + 100)
    for serializing in [false, true] {
      var out = ByteBuffer(string: "kept")
      do {
        if serializing {
          try framer.frame(into: &out) { $0.writeRepeatingByte(1, count: 101) }
        } else {
          try framer.frame(ByteBuffer(repeating: 1, count: 101), into: &out)
        }
        Issue.record("a 101-byte message passed a 100-byte limit")
      } catch let error as RPCError {
        #expect(error.code == .resourceExhausted)
      }
      #expect(out == ByteBuffer(string: "kept"), "nothing of the refused message is left behind")
    }
  }

  @Test func gzipBombIsBoundedByTheLimit() throws {
    let zeros = ByteBuffer(repeating: 0, count: 8 << 20)  // 8 MiB of zeros: ~8 KiB gzipped
    var wire = ByteBuffer()
    try GRPCMessageFramer(compression: .gzip).frame(zeros, into: &wire)
    #expect(wire.readableBytes < 64 << 10)
    var deframer = GRPCMessageDeframer(maxMessageSize: 1 << 20, encoding: .gzip)
    deframer.append(wire)
    #expect(throws: RPCError(
      code: .resourceExhausted, message: "decompressed message exceeds the limit of 1048576 bytes")
    ) { try deframer.next() }
  }

  @Test func corruptGzipIsInternal() {
    var deframer = GRPCMessageDeframer(maxMessageSize: 100, encoding: .gzip)
    deframer.append(framed([1, 2, 3, 4, 5], compressed: true))
    #expect(throws: RPCError(code: .internalError, message: "invalid gzip message")) {
      try deframer.next()
    }
  }

  @Test func zlibInflateStopsExactlyAtTheLimit() throws {
    var compressed = ByteBuffer()
    try Zlib.compress(ByteBuffer(repeating: 7, count: 1000), into: &compressed)
    #expect(try Zlib.decompress(compressed, limit: 1000).readableBytes == 1000)
    #expect(throws: Zlib.Failure.limitExceeded) { try Zlib.decompress(compressed, limit: 999) }
  }
}

extension GRPCMessageDeframer {
  fileprivate mutating func nextAfter(_ bytes: ByteBuffer) throws(RPCError) -> ByteBuffer? {
    append(bytes)
    return try next()
  }
}
