internal import Yams

/// A JSON/YAML value whose objects keep their key order, so output reads in the order of the
/// user docs on every platform. Numbers and booleans keep their type: JSON and YAML show them
/// unquoted (`"run_concurrency": 10`, `"cluster_managed": false`).
enum DocumentValue: Sendable, Hashable {
  case string(String)
  /// A number as its JSON text (`10`, `-3`, `0.5`), so 64-bit integers print exactly.
  case number(String)
  case bool(Bool)
  case null
  case array([DocumentValue])
  case object([(String, DocumentValue)])

  /// An integer of any width.
  static func integer(_ value: some BinaryInteger) -> DocumentValue { .number(String(value)) }

  static func == (lhs: DocumentValue, rhs: DocumentValue) -> Bool { lhs.json() == rhs.json() }
  func hash(into hasher: inout Hasher) { hasher.combine(json()) }

  /// Pretty-printed JSON, two-space indented, ending in a newline.
  func json() -> String {
    var out = ""
    writeJSON(into: &out, indent: "")
    return out + "\n"
  }

  private func writeJSON(into out: inout String, indent: String) {
    let inner = indent + "  "
    switch self {
    case .string(let text):
      out += Self.jsonString(text)
    case .number(let text):
      out += text
    case .bool(let value):
      out += value ? "true" : "false"
    case .null:
      out += "null"
    case .array(let items):
      guard !items.isEmpty else { return out += "[]" }
      out += "[\n"
      for (index, item) in items.enumerated() {
        out += inner
        item.writeJSON(into: &out, indent: inner)
        out += index == items.count - 1 ? "\n" : ",\n"
      }
      out += indent + "]"
    case .object(let fields):
      guard !fields.isEmpty else { return out += "{}" }
      out += "{\n"
      for (index, (key, value)) in fields.enumerated() {
        out += inner + Self.jsonString(key) + ": "
        value.writeJSON(into: &out, indent: inner)
        out += index == fields.count - 1 ? "\n" : ",\n"
      }
      out += indent + "}"
    }
  }

  static func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// YAML in block style (Yams quotes what needs quoting), ending in a newline.
  func yaml() throws -> String {
    let text = try Yams.serialize(node: node(), indent: 2, width: -1, allowUnicode: true)
    return text.hasSuffix("\n") ? text : text + "\n"
  }

  private func node() -> Node {
    switch self {
    case .string(let text): .scalar(text.represented())  // quoted when plain would not read back as this string
    case .number(let text): .scalar(.init(text, Tag(.int), .plain))
    case .bool(let value): .scalar(.init(value ? "true" : "false", Tag(.bool), .plain))
    case .null: .scalar(.init("null", Tag(.null), .plain))
    case .array(let items): Node(items.map { $0.node() })
    case .object(let fields): Node(fields.map { (Node($0.0), $0.1.node()) })
    }
  }
}
