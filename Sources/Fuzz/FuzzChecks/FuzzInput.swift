/// Reads a fuzzer's bytes as a sequence of small choices, then a rest: the choices cost one
/// byte each and read as 0 once the input is exhausted, so every input means something.
struct FuzzInput {
  private let bytes: UnsafeRawBufferPointer
  private var index = 0

  init(_ bytes: UnsafeRawBufferPointer) {
    self.bytes = bytes
  }

  /// The next byte, 0 past the end.
  mutating func byte() -> UInt8 {
    guard index < bytes.count else { return 0 }
    defer { index += 1 }
    return bytes[index]
  }

  /// One of `options`, chosen by the next byte.
  mutating func pick<T>(_ options: [T]) -> T {
    options[Int(byte()) % options.count]
  }

  /// Every byte not read yet.
  mutating func rest() -> UnsafeRawBufferPointer {
    defer { index = bytes.count }
    return UnsafeRawBufferPointer(rebasing: bytes[min(index, bytes.count)...])
  }
}
