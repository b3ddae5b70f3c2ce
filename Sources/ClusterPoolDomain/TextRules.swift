/// Checks shared by every text field: bounded length and no control characters. (Swift
/// strings are always valid Unicode; the wire decoder already rejects invalid UTF-8.)
enum TextRules {
  /// Throws when `text` is longer than `maxBytes` UTF-8 bytes or holds a control character.
  static func check(_ text: String, field: String, maxBytes: Int) throws(DomainError) {
    let count = text.utf8.count
    guard count <= maxBytes else {
      throw .invalid("\(field) is \(count) bytes long: at most \(maxBytes) bytes are allowed")
    }
    // fast path: printable ASCII has no control characters
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return }
    if let bad = text.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
      throw .invalid(
        "\(field) contains the control character U+\(hex4(bad.value)): remove line breaks, tabs and other control characters")
    }
  }

  static func hex4(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }
}
