/// JSON text written directly, for the rows and the change log keys a commit sends
/// (``PostgresCommitStatement``): Foundation's `JSONSerialization` over `[String: Any]` took about
/// a third of a writing replica's CPU (boxing every value, bridging, dynamic casts), and the
/// statement only needs objects of strings, integers, booleans and nulls.
///
/// Strings are escaped as JSON requires (`"`, `\` and the control characters below U+0020;
/// every other character is written as its UTF-8), so PostgreSQL reads back exactly the string
/// given (U+0000 excepted: `jsonb` refuses it, as it refused `JSONSerialization`'s `\u0000`).
struct PostgresJSONObject {
  private var text = "{"

  init() {}

  /// The object's text.
  var json: String { text + "}" }

  private mutating func name(_ name: String) {
    if text.utf8.count > 1 { text.append(",") }
    PostgresJSON.appendString(name, to: &text)
    text.append(":")
  }

  mutating func field(_ name: String, _ value: String) {
    self.name(name)
    PostgresJSON.appendString(value, to: &text)
  }

  mutating func field(_ name: String, _ value: Int64) {
    self.name(name)
    text.append(String(value))
  }

  /// `null` when `value` is nil.
  mutating func field(_ name: String, _ value: Int64?) {
    guard let value else {
      self.name(name)
      text.append("null")
      return
    }
    field(name, value)
  }

  mutating func field(_ name: String, _ value: Bool) {
    self.name(name)
    text.append(value ? "true" : "false")
  }

  mutating func field(_ name: String, _ values: [String]) {
    self.name(name)
    text.append(PostgresJSON.array(values.map(PostgresJSON.string)))
  }

  /// `json`, already a JSON value's text, written as it is.
  mutating func field(_ name: String, json: String) {
    self.name(name)
    text.append(json)
  }
}

enum PostgresJSON {
  /// A JSON array of `elements`, each already a JSON value's text.
  static func array(_ elements: [String]) -> String {
    guard !elements.isEmpty else { return "[]" }
    var text = "["
    text.reserveCapacity(elements.reduce(2) { $0 + $1.utf8.count + 1 })
    for (index, element) in elements.enumerated() {
      if index > 0 { text.append(",") }
      text.append(element)
    }
    text.append("]")
    return text
  }

  /// `value` as a JSON string.
  static func string(_ value: String) -> String {
    var text = ""
    appendString(value, to: &text)
    return text
  }

  /// Appends `value` as a JSON string (quoted and escaped) to `text`.
  static func appendString(_ value: String, to text: inout String) {
    text.append("\"")
    if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
      text.append(value)
    } else {
      for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": text.append("\\\"")
        case "\\": text.append("\\\\")
        case "\n": text.append("\\n")
        case "\r": text.append("\\r")
        case "\t": text.append("\\t")
        case _ where scalar.value < 0x20:
          let hex = String(scalar.value, radix: 16)
          text.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
        default: text.unicodeScalars.append(scalar)
        }
      }
    }
    text.append("\"")
  }
}
