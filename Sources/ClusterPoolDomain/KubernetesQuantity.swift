/// A Kubernetes resource quantity as written (`4`, `500m`, `16Gi`, `1.5`, `1e3`), checked
/// against the Kubernetes grammar:
///
/// ```
/// quantity  ::= [+-] number suffix
/// number    ::= digits | digits "." digits | digits "." | "." digits
/// suffix    ::= binary | decimal | exponent
/// binary    ::= Ki | Mi | Gi | Ti | Pi | Ei
/// decimal   ::= n | u | m | "" | k | M | G | T | P | E
/// exponent  ::= (e | E) [+-] digits
/// ```
///
/// The text is kept as written (a quantity reads back as it was sent); only its sign is
/// computed, since a cap must be positive.
public struct KubernetesQuantity: Sendable, Hashable, CustomStringConvertible {
  /// The quantity as written.
  public let text: String
  /// Whether its value is above zero (a sign of `-`, or only zero digits, is not).
  public let isPositive: Bool

  /// Longest accepted text (Kubernetes quantities are short; this bounds what is stored).
  public static let maxLength = 64
  static let binarySuffixes: Set<String> = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
  static let decimalSuffixes: Set<String> = ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"]

  /// Parses `text`; nil when it is not a Kubernetes quantity.
  public init?(_ text: String) {
    guard text.utf8.count <= Self.maxLength else { return nil }
    let bytes = Array(text.utf8)
    var index = 0
    var negative = false
    if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
      negative = bytes[index] == UInt8(ascii: "-")
      index += 1
    }
    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    var digits = 0
    var nonZero = false
    while index < bytes.count, isDigit(bytes[index]) {
      nonZero = nonZero || bytes[index] != UInt8(ascii: "0")
      digits += 1
      index += 1
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      while index < bytes.count, isDigit(bytes[index]) {
        nonZero = nonZero || bytes[index] != UInt8(ascii: "0")
        digits += 1
        index += 1
      }
    }
    guard digits > 0 else { return nil }
    let suffix = bytes[index...]
    let name = String(decoding: suffix, as: UTF8.self)
    if !Self.binarySuffixes.contains(name) && !Self.decimalSuffixes.contains(name) {
      // Else an exponent: e or E, an optional sign, then digits only.
      guard let first = suffix.first, first == UInt8(ascii: "e") || first == UInt8(ascii: "E") else { return nil }
      var rest = suffix.dropFirst()
      if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { rest = rest.dropFirst() }
      guard !rest.isEmpty, rest.allSatisfy(isDigit) else { return nil }
    }
    self.text = text
    self.isPositive = nonZero && !negative
  }

  public var description: String { text }
}
