internal import NIOCore

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// What the owner of an `NGHTTP2Session` hears about, synchronously, while it feeds bytes in
/// or pulls bytes out. All calls happen on the connection's event loop.
protocol NGHTTP2SessionDelegate: AnyObject {
  /// A header block (request, response or trailers) starts on a stream.
  func session(beginHeaders stream: Int32)
  /// One field of the current header block; the bytes are valid only during the call.
  func session(header name: HeaderBytes, value: HeaderBytes, stream: Int32)
  /// The header block is complete.
  func session(endHeaders stream: Int32, endStream: Bool)
  /// A chunk of a stream's DATA; the owner returns its stream window with `consume`.
  func session(data: ByteBuffer, stream: Int32)
  /// The peer ended its side of a stream with a DATA frame.
  func session(endOfStream stream: Int32)
  /// A stream closed (error code 0 means NO_ERROR); its state is gone.
  func session(closed stream: Int32, errorCode: UInt32)
  /// The peer sent GOAWAY.
  func session(goAway lastStreamID: Int32, errorCode: UInt32)
  /// A stream's queued output fell to or below the low-water mark after being asked to tell.
  func session(drained stream: Int32)
}

/// The bytes of a header name or value, borrowed from nghttp2 for one delegate call: compare
/// them in place, or copy them out with `string`.
struct HeaderBytes {
  private let bytes: UnsafeRawBufferPointer

  /// Borrows bytes that stay valid for the duration of one delegate call.
  init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  var count: Int { bytes.count }

  /// The bytes as a (repaired) UTF-8 string: a copy that outlives the call.
  var string: String { String(decoding: bytes, as: UTF8.self) }

  /// The bytes as an array: a copy that outlives the call.
  var array: [UInt8] { Array(bytes) }

  /// Whether the bytes equal `literal`.
  func matches(_ literal: StaticString) -> Bool {
    literal.utf8CodeUnitCount == bytes.count && hasPrefix(literal)
  }

  /// Whether the bytes start with `literal`.
  func hasPrefix(_ literal: StaticString) -> Bool {
    let count = literal.utf8CodeUnitCount
    guard count <= bytes.count else { return false }
    return count == 0 || memcmp(bytes.baseAddress!, literal.utf8Start, count) == 0
  }

  /// Whether the bytes equal `other`.
  func matches(_ other: [UInt8]) -> Bool {
    guard other.count == bytes.count else { return false }
    return other.withUnsafeBytes {
      $0.count == 0 || memcmp($0.baseAddress!, bytes.baseAddress!, $0.count) == 0
    }
  }
}
