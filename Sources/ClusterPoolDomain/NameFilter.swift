/// The name filters of one listing compiled for the packed bytes of a ``NameChunk``, with
/// exactly the meaning of ``NameMatcher``: names are lowercase ASCII (`[a-z0-9-]`), so a value
/// of ASCII bytes matches as bytes (and one with a byte no name holds matches nothing), while a
/// value with other characters keeps String's comparison, name by name. EQUAL and VALUE_IN
/// name their candidates outright (``exact``): no name is scanned.
struct NameFilter {
  /// A test on a name's bytes.
  enum ByteTest {
    case contains([UInt8]), endsWith([UInt8]), notEndsWith([UInt8])
  }

  /// The only names that can match (EQUAL, VALUE_IN; several intersect), ascending; nil when
  /// any name may.
  private(set) var exact: [String]?
  /// No name matches (e.g. CONTAINS a byte no name holds).
  private(set) var matchesNothing = false
  /// The longest CONTAINS value: searched for in a chunk's bytes at once.
  private var needle: [UInt8]?
  private var byteTests: [ByteTest] = []
  /// Tests kept on the String (NOT_EQUAL, VALUE_NOT_IN, values with non-ASCII characters).
  private var stringTests: [NameMatcher] = []

  /// Every name passes (no filter on name): a walk need not collect them.
  var passesEveryName: Bool { exact == nil && !matchesNothing && needle == nil && byteTests.isEmpty && stringTests.isEmpty }

  init(_ matchers: [NameMatcher]) {
    var exact: Set<String>?
    for matcher in matchers {
      switch matcher {
      case .equal(let value): exact = exact.map { $0.intersection([value]) } ?? [value]
      case .valueIn(let values): exact = exact.map { $0.intersection(values) } ?? values
      case .contains(let value), .containsCaseInsensitive(let value):
        // CONTAINS_CASE_INSENSITIVE's value is lowercased already, and names have no upper case
        guard !value.isEmpty else { continue }
        add(value, matcher) { .contains($0) }
      case .endsWith(let value):
        guard !value.isEmpty else { continue }
        add(value, matcher) { .endsWith($0) }
      case .notEndsWith(let value):
        guard !value.isEmpty else {
          matchesNothing = true  // every name ends with ""
          continue
        }
        guard let bytes = Self.ascii(value) else {
          stringTests.append(matcher)
          continue
        }
        // a byte no name holds: no name ends with it, every name passes
        if bytes.allSatisfy(Self.isNameByte) { byteTests.append(.notEndsWith(bytes)) }
      case .notEqual, .valueNotIn:
        stringTests.append(matcher)
      }
    }
    self.exact = exact?.sorted()
    needle = byteTests.reduce(nil) { longest, test in
      guard case .contains(let bytes) = test, bytes.count > (longest?.count ?? 0) else { return longest }
      return bytes
    }
  }

  /// Adds a test that holds only for names holding `value`'s bytes (CONTAINS, ENDS_WITH).
  private mutating func add(_ value: String, _ matcher: NameMatcher, _ test: ([UInt8]) -> ByteTest) {
    guard let bytes = Self.ascii(value) else {
      stringTests.append(matcher)
      return
    }
    if bytes.allSatisfy(Self.isNameByte) { byteTests.append(test(bytes)) } else { matchesNothing = true }
  }

  private static func ascii(_ value: String) -> [UInt8]? {
    let bytes = Array(value.utf8)
    return bytes.allSatisfy { $0 < 0x80 } ? bytes : nil
  }

  private static func isNameByte(_ byte: UInt8) -> Bool {
    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
  }

  /// Appends to `out`, ascending, the indices in `range` of `chunk`'s names that pass.
  func collect(_ chunk: NameChunk, _ range: Range<Int>, into out: inout [Int]) {
    guard !matchesNothing, !range.isEmpty else { return }
    chunk.bytes.withUnsafeBufferPointer { bytes in
      chunk.starts.withUnsafeBufferPointer { starts in
        guard let needle else {
          for index in range where passes(index, chunk, bytes, starts) { out.append(index) }
          return
        }
        needle.withUnsafeBufferPointer { needle in
          var index = range.lowerBound
          let end = Int(starts[range.upperBound])
          var from = Int(starts[index])
          // the NUL after each name is in no needle, so a hit lies inside one name
          while let hit = Self.search(needle, in: bytes, from: from, to: end) {
            while Int(starts[index + 1]) <= hit { index += 1 }
            if passes(index, chunk, bytes, starts) { out.append(index) }
            index += 1
            from = Int(starts[index])
          }
        }
      }
    }
  }

  private func passes(_ index: Int, _ chunk: NameChunk, _ bytes: UnsafeBufferPointer<UInt8>, _ starts: UnsafeBufferPointer<Int32>)
    -> Bool
  {
    let start = Int(starts[index])
    let end = Int(starts[index + 1]) - 1  // before the NUL
    for test in byteTests {
      switch test {
      case .contains(let value):
        let found = value.withUnsafeBufferPointer { Self.find($0, in: bytes, from: start, to: end) != nil }
        guard found else { return false }
      case .endsWith(let value):
        guard Self.hasSuffix(value, bytes, start, end) else { return false }
      case .notEndsWith(let value):
        guard !Self.hasSuffix(value, bytes, start, end) else { return false }
      }
    }
    if stringTests.isEmpty { return true }
    let name = chunk.names[index]
    return stringTests.allSatisfy { $0.matches(name) }
  }

  /// Where `needle` (not empty) first starts in `bytes[from..<to]`: the places of its last
  /// byte are found eight bytes at a time (a word's bytes equal to it come out as zero bytes of
  /// `word ^ pattern`, flagged by the zero-byte test, which never misses one and may flag a
  /// byte above one: each flag is checked), then the rest of the needle is compared there.
  /// Loads run ahead of the comparisons, where Horspool's shifts waited on each loaded byte.
  private static func search(_ needle: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
    let count = needle.count
    let last = needle[count - 1]
    let ones: UInt64 = 0x0101_0101_0101_0101
    let pattern = UInt64(last) &* ones
    guard let base = bytes.baseAddress else { return nil }
    func matchesBefore(_ end: Int) -> Bool {
      let start = end - (count - 1)
      guard start >= from else { return false }
      var index = 0
      while index < count - 1 && bytes[start + index] == needle[index] { index += 1 }
      return index == count - 1
    }
    var position = from + count - 1  // where the needle's last byte would be
    while position + 8 <= to {
      let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)) ^ pattern
      var flags = (word &- ones) & ~word & 0x8080_8080_8080_8080
      while flags != 0 {
        let end = position + flags.trailingZeroBitCount / 8
        if matchesBefore(end) { return end - (count - 1) }
        flags &= flags &- 1
      }
      position += 8
    }
    while position < to {
      if bytes[position] == last && matchesBefore(position) { return position - (count - 1) }
      position += 1
    }
    return nil
  }

  /// Where `needle` (not empty) first starts in `bytes[from..<to]`.
  private static func find(_ needle: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
    let first = needle[0]
    let count = needle.count
    var position = from
    let last = to - count
    while position <= last {
      if bytes[position] == first {
        var matched = 1
        while matched < count && bytes[position + matched] == needle[matched] { matched += 1 }
        if matched == count { return position }
      }
      position += 1
    }
    return nil
  }

  private static func hasSuffix(_ suffix: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    guard end - start >= suffix.count else { return false }
    var offset = end - suffix.count
    for byte in suffix {
      guard bytes[offset] == byte else { return false }
      offset += 1
    }
    return true
  }
}
