/// Memory for one message being encoded: the C structs, strings and arrays handed to protobuf-c,
/// allocated in chunks and freed all at once when the arena goes away.
final class ProtoArena {
  private var chunks: [UnsafeMutableRawPointer] = []
  private var cursor: UnsafeMutableRawPointer?
  private var remaining = 0
  private var nextChunkSize = 1024

  deinit {
    for chunk in chunks { chunk.deallocate() }
  }

  /// `size` bytes aligned to `alignment` (a power of two, at most 16), uninitialized.
  func allocate(_ size: Int, alignment: Int = 8) -> UnsafeMutableRawPointer {
    if let cursor {
      let padding = (alignment - Int(bitPattern: cursor) & (alignment - 1)) & (alignment - 1)
      if padding + size <= remaining {
        let p = cursor + padding
        self.cursor = p + size
        remaining -= padding + size
        return p
      }
    }
    if size > nextChunkSize / 2 {  // a big block of its own; keep the current chunk
      let p = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
      chunks.append(p)
      return p
    }
    let chunk = UnsafeMutableRawPointer.allocate(byteCount: nextChunkSize, alignment: 16)
    chunks.append(chunk)
    cursor = chunk + size
    remaining = nextChunkSize - size
    nextChunkSize = min(nextChunkSize * 2, 64 * 1024)
    return chunk
  }

  /// A copy of `bytes` (the address is valid even when `bytes` is empty).
  func copy(_ bytes: [UInt8]) -> UnsafeMutablePointer<UInt8> {
    let p = allocate(bytes.count, alignment: 1).assumingMemoryBound(to: UInt8.self)
    bytes.withUnsafeBufferPointer { src in
      if let base = src.baseAddress { p.initialize(from: base, count: src.count) }
    }
    return p
  }

  /// A NUL-terminated copy of `utf8`, or nil when it contains a NUL byte.
  func cString(_ utf8: UnsafeBufferPointer<UInt8>) -> UnsafeMutablePointer<UInt8>? {
    if utf8.contains(0) { return nil }
    let p = allocate(utf8.count + 1, alignment: 1).assumingMemoryBound(to: UInt8.self)
    if let base = utf8.baseAddress { p.initialize(from: base, count: utf8.count) }
    p[utf8.count] = 0
    return p
  }
}
