/// Memory for one message being encoded or decoded: the C structs, strings and arrays that
/// protobuf-c reads or writes, allocated by bumping a cursor and freed all at once when the arena
/// goes away. The first ``inlineCapacity`` bytes live in the arena object itself, so a small
/// message costs a single allocation.
final class ProtoArena: ManagedBuffer<ProtoArena.State, UInt8> {
  struct State {
    var cursor: UnsafeMutableRawPointer?
    var remaining: Int
    /// Overflow blocks, freed in deinit.
    var chunks: [UnsafeMutableRawPointer]
    var nextChunkSize: Int
  }

  static let inlineCapacity = 512

  /// A new, empty arena.
  static func make() -> ProtoArena {
    let arena = unsafeDowncast(
      ProtoArena.create(minimumCapacity: inlineCapacity) { _ in
        State(cursor: nil, remaining: 0, chunks: [], nextChunkSize: 2048)
      }, to: ProtoArena.self)
    arena.withUnsafeMutablePointers { state, elements in
      state.pointee.cursor = UnsafeMutableRawPointer(elements)
      state.pointee.remaining = inlineCapacity
    }
    return arena
  }

  deinit {
    for chunk in header.chunks { chunk.deallocate() }
  }

  /// `size` bytes aligned to `alignment` (a power of two, at most 16), uninitialized.
  func allocate(_ size: Int, alignment: Int = 8) -> UnsafeMutableRawPointer {
    withUnsafeMutablePointerToHeader { state in
      if let cursor = state.pointee.cursor {
        let padding = (alignment - Int(bitPattern: cursor) & (alignment - 1)) & (alignment - 1)
        if padding + size <= state.pointee.remaining {
          let p = cursor + padding
          state.pointee.cursor = p + size
          state.pointee.remaining -= padding + size
          return p
        }
      }
      let chunkSize = state.pointee.nextChunkSize
      if size > chunkSize / 2 {  // a big block of its own; keep the current chunk
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
        state.pointee.chunks.append(p)
        return p
      }
      let chunk = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
      state.pointee.chunks.append(chunk)
      state.pointee.cursor = chunk + size
      state.pointee.remaining = chunkSize - size
      state.pointee.nextChunkSize = min(chunkSize * 2, 64 * 1024)
      return chunk
    }
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
