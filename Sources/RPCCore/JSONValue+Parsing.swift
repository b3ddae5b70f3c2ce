/// Why JSON text could not be read.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The byte offset where reading failed.
  public var offset: Int
  public var description: String { "invalid JSON at byte \(offset)" }
}

extension JSONValue {
  /// Reads one JSON value from UTF-8 text (whitespace around it allowed, nothing after it).
  /// Nesting deeper than 64 levels is rejected.
  public init(parsing bytes: some Collection<UInt8>) throws(JSONParseError) {
    var parser = JSONParser(bytes: Array(bytes))
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    guard parser.index == parser.bytes.count else { throw JSONParseError(offset: parser.index) }
    self = value
  }
}

private struct JSONParser {
  let bytes: [UInt8]
  var index = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  mutating func skipSpace() {
    while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
  }

  private var failure: JSONParseError { JSONParseError(offset: index) }

  mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
    guard depth < 64 else { throw failure }
    skipSpace()
    guard index < bytes.count else { throw failure }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try object(depth: depth)
    case UInt8(ascii: "["): return try array(depth: depth)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    default: return .number(try number())
    }
  }

  private mutating func literal(_ word: String) throws(JSONParseError) {
    let utf8 = Array(word.utf8)
    guard bytes.count - index >= utf8.count, Array(bytes[index..<index + utf8.count]) == utf8
    else { throw failure }
    index += utf8.count
  }

  private mutating func expect(_ byte: UInt8) throws(JSONParseError) {
    skipSpace()
    guard index < bytes.count, bytes[index] == byte else { throw failure }
    index += 1
  }

  private mutating func peek(_ byte: UInt8) -> Bool {
    skipSpace()
    return index < bytes.count && bytes[index] == byte
  }

  private mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
    index += 1
    var members: [(String, JSONValue)] = []
    if peek(UInt8(ascii: "}")) { index += 1; return .object(members) }
    while true {
      skipSpace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure }
      let name = try string()
      try expect(UInt8(ascii: ":"))
      members.append((name, try value(depth: depth + 1)))
      if peek(UInt8(ascii: ",")) { index += 1; continue }
      try expect(UInt8(ascii: "}"))
      return .object(members)
    }
  }

  private mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
    index += 1
    var values: [JSONValue] = []
    if peek(UInt8(ascii: "]")) { index += 1; return .array(values) }
    while true {
      values.append(try value(depth: depth + 1))
      if peek(UInt8(ascii: ",")) { index += 1; continue }
      try expect(UInt8(ascii: "]"))
      return .array(values)
    }
  }

  private mutating func number() throws(JSONParseError) -> Double {
    let start = index
    while index < bytes.count,
      "+-0123456789.eE".utf8.contains(bytes[index])
    {
      index += 1
    }
    guard index > start, let value = Double(String(decoding: bytes[start..<index], as: UTF8.self))
    else { throw JSONParseError(offset: start) }
    return value
  }

  private mutating func hex4() throws(JSONParseError) -> UInt32 {
    guard bytes.count - index >= 4 else { throw failure }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw failure
      }
      value = value << 4 | UInt32(digit)
      index += 1
    }
    return value
  }

  private mutating func string() throws(JSONParseError) -> String {
    index += 1
    var out: [UInt8] = []
    while index < bytes.count {
      let byte = bytes[index]
      index += 1
      switch byte {
      case UInt8(ascii: "\""):
        return String(decoding: out, as: UTF8.self)
      case UInt8(ascii: "\\"):
        guard index < bytes.count else { throw failure }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800..<0xDC00).contains(scalar), bytes.count - index >= 6,
            bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
          {
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          }
          out += Array(String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8)
        default: throw failure
        }
      case 0..<0x20:
        throw failure
      default:
        out.append(byte)
      }
    }
    throw failure
  }
}
