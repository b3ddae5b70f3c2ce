internal import CZlib
public import NIOCore

/// gzip compression through zlib: the only file that touches the C library.
///
/// Inflation is bounded: it never produces more than `limit` bytes, whatever the input
/// claims, so a small compressed "bomb" cannot grow memory.
package enum Zlib {
  /// Why zlib failed.
  package enum Failure: Error, Equatable {
    /// The inflated message would exceed the limit.
    case limitExceeded
    /// The input is not valid gzip data (zlib's return code).
    case corrupt(Int32)
  }

  /// Appends the gzip encoding of `input` to `output`.
  package static func compress(_ input: ByteBuffer, into output: inout ByteBuffer) throws(Failure) {
    var stream = z_stream()
    var rc = deflateInit2_(
      &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
      ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    guard rc == Z_OK else { throw .corrupt(rc) }
    defer { deflateEnd(&stream) }
    let bound = Int(deflateBound(&stream, UInt(input.readableBytes)))
    input.withUnsafeReadableBytes { inBytes in
      stream.next_in = UnsafeMutablePointer(
        mutating: inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
      stream.avail_in = uInt(inBytes.count)
      output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { outBytes in
        stream.next_out = outBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(outBytes.count)
        rc = deflate(&stream, Z_FINISH)
        return outBytes.count - Int(stream.avail_out)
      }
    }
    guard stream.avail_in == 0, rc == Z_STREAM_END else { throw .corrupt(rc) }
  }

  /// Inflates gzip `input`, failing with `.limitExceeded` as soon as the output would pass
  /// `limit` bytes.
  package static func decompress(_ input: ByteBuffer, limit: Int) throws(Failure) -> ByteBuffer {
    var stream = z_stream()
    let initRC = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    guard initRC == Z_OK else { throw .corrupt(initRC) }
    defer { inflateEnd(&stream) }
    var output = ByteBufferAllocator().buffer(
      capacity: min(limit + 1, max(4096, input.readableBytes * 4)))
    let result: Int32 = input.withUnsafeReadableBytes { inBytes in
      stream.next_in = UnsafeMutablePointer(
        mutating: inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
      stream.avail_in = uInt(inBytes.count)
      while true {
        let room = limit + 1 - output.readableBytes
        if room <= 0 { return Z_BUF_ERROR }
        let chunk = min(room, max(4096, output.readableBytes))
        var rc: Int32 = Z_OK
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: chunk) { outBytes in
          let size = min(outBytes.count, room)
          stream.next_out = outBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
          stream.avail_out = uInt(size)
          rc = inflate(&stream, Z_NO_FLUSH)
          return size - Int(stream.avail_out)
        }
        switch rc {
        case Z_STREAM_END: return output.readableBytes > limit ? Z_BUF_ERROR : Z_STREAM_END
        case Z_OK: continue
        case Z_BUF_ERROR where stream.avail_in == 0: return Z_DATA_ERROR  // truncated input
        case Z_BUF_ERROR: continue
        default: return rc
        }
      }
    }
    switch result {
    case Z_STREAM_END: return output
    case Z_BUF_ERROR: throw .limitExceeded
    default: throw .corrupt(result)
    }
  }
}
