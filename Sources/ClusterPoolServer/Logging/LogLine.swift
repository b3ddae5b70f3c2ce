/// Log lines made as bytes in a buffer (``LogWriter``'s pending batch, reused batch after
/// batch): no `String` per line, the time from its per-second cache. Its bytes are in memory it
/// owns, so an append is a bounds check and a copy (an `Array`'s was an out-of-line call with
/// a uniqueness check each: ~35 per access-log line). Not copyable: one owner frees it.
struct LogLine: ~Copyable {
  private var base: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  /// The number of bytes so far.
  private(set) var count = 0
  var timestamps = LogTimestamps()

  init(capacity: Int = 1024) {
    self.capacity = capacity
    base = .allocate(capacity: capacity)
  }

  deinit { base.deallocate() }

  /// The line so far, copied.
  var bytes: [UInt8] { withBytes { Array($0) } }

  /// Calls `body` with the line's bytes (valid during the call only).
  func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
    try body(UnsafeBufferPointer(start: base, count: count))
  }

  /// Empties the line, keeping its memory.
  mutating func removeAll() { count = 0 }

  /// Takes the last `n` bytes back.
  mutating func removeLast(_ n: Int) { count -= min(n, count) }

  /// The bytes it holds room for.
  var reserved: Int { capacity }

  /// Appends `source`'s bytes.
  @inline(__always)
  mutating func append(_ source: UnsafeBufferPointer<UInt8>) {
    guard let start = source.baseAddress, !source.isEmpty else { return }
    reserve(source.count)
    (base + count).update(from: start, count: source.count)
    count += source.count
  }

  /// Appends one byte.
  @inline(__always)
  mutating func append(byte: UInt8) {
    reserve(1)
    base[count] = byte
    count += 1
  }

  @inline(__always)
  private mutating func reserve(_ more: Int) {
    if count + more > capacity { grow(count + more) }
  }

  private mutating func grow(_ needed: Int) {
    var size = capacity * 2
    while size < needed { size *= 2 }
    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
    grown.update(from: base, count: count)
    base.deallocate()
    base = grown
    capacity = size
  }

  /// Appends `bytes`.
  mutating func append(contentsOf bytes: some Collection<UInt8>) {
    if bytes.withContiguousStorageIfAvailable({ append($0) }) == nil {
      for byte in bytes { append(byte: byte) }
    }
  }

  /// Appends `text` as it is.
  mutating func append(_ text: String) {
    if text.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
      for byte in text.utf8 { append(byte: byte) }
    }
  }

  /// Appends a literal: its bytes are where the binary keeps them, known at compile time (a
  /// literal passed as a `String` is looked into at run time, for each append).
  @inline(__always)
  mutating func append(literal text: StaticString) {
    text.withUTF8Buffer { append($0) }
  }

  /// Appends `value` in decimal.
  mutating func append(decimal value: Int) {
    if value < 0 { append(byte: UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
      var count = 0
      repeat {
        digits[19 - count] = UInt8(truncatingIfNeeded: 0x30 + magnitude % 10)
        magnitude /= 10
        count += 1
      } while magnitude > 0
      append(UnsafeBufferPointer(rebasing: digits[(20 - count)...]))
    }
  }

  /// Appends `text` as a JSON string (quotes, backslashes and control characters escaped),
  /// as ``JSONText/appendString(_:to:)`` does.
  mutating func appendJSON(_ text: String) {
    append(byte: UInt8(ascii: "\""))
    appendEscaped(text)
    append(byte: UInt8(ascii: "\""))
  }

  /// Appends `text` escaped as in a JSON string, without the quotes.
  mutating func appendEscaped(_ text: String) {
    if text.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
      appendEscaped(Array(text.utf8))
    }
  }

  private mutating func appendEscaped(_ utf8: some Collection<UInt8>) {
    var plain = utf8.startIndex
    var index = utf8.startIndex
    while index != utf8.endIndex {
      let byte = utf8[index]
      if byte == 0x22 || byte == 0x5C || byte < 0x20 {
        append(contentsOf: utf8[plain..<index])
        switch byte {
        case 0x22: append(literal: "\\\"")
        case 0x5C: append(literal: "\\\\")
        case 0x0A: append(literal: "\\n")
        case 0x0D: append(literal: "\\r")
        case 0x09: append(literal: "\\t")
        default:
          let hex: StaticString = "0123456789abcdef"
          append(literal: "\\u00")
          hex.withUTF8Buffer { digits in
            append(byte: digits[Int(byte >> 4)])
            append(byte: digits[Int(byte & 0xF)])
          }
        }
        plain = utf8.index(after: index)
      }
      index = utf8.index(after: index)
    }
    append(contentsOf: utf8[plain..<utf8.endIndex])
  }

  /// Appends the local time as the text format writes it.
  mutating func appendLocalTime() {
    let local = timestamps.localTime()
    local.withUnsafeBufferPointer { append($0) }
  }

  /// Appends UTC with milliseconds, as the json format writes it.
  mutating func appendUTCTime() {
    let (prefix, millis) = timestamps.utcTime()
    prefix.withUnsafeBufferPointer { append($0) }
    append(byte: UInt8(ascii: "."))
    append(byte: UInt8(truncatingIfNeeded: 0x30 + millis / 100))
    append(byte: UInt8(truncatingIfNeeded: 0x30 + millis / 10 % 10))
    append(byte: UInt8(truncatingIfNeeded: 0x30 + millis % 10))
    append(byte: UInt8(ascii: "Z"))
  }
}
