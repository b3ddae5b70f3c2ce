extension PostgresURL {
  /// `authority`, `path` (without its `/`) and `query` (without its `?`) of what follows `://`.
  static func split(_ rest: Substring) -> (Substring, Substring, Substring) {
    let queryStart = rest.firstIndex(of: "?") ?? rest.endIndex
    let beforeQuery = rest[..<queryStart]
    let query = queryStart == rest.endIndex ? rest[rest.endIndex...] : rest[rest.index(after: queryStart)...]
    // The authority ends at the first `/` after the user information (a password may hold `/`
    // only percent-encoded, as in any URL).
    let afterAt = beforeQuery.lastIndex(of: "@").map { beforeQuery.index(after: $0) } ?? beforeQuery.startIndex
    let slash = beforeQuery[afterAt...].firstIndex(of: "/") ?? beforeQuery.endIndex
    let path = slash == beforeQuery.endIndex ? beforeQuery[slash...] : beforeQuery[beforeQuery.index(after: slash)...]
    return (beforeQuery[..<slash], path, query)
  }

  static func hostAndPort(_ text: Substring) throws(PostgresURLError) -> (String, Int) {
    var host: Substring
    var portText: Substring?
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]") else { throw PostgresURLError("its IPv6 host has no closing ]") }
      host = text[text.index(after: text.startIndex)..<close]
      let after = text[text.index(after: close)...]
      if after.hasPrefix(":") {
        portText = after.dropFirst()
      } else if !after.isEmpty {
        throw PostgresURLError("unexpected text after the IPv6 host")
      }
    } else if let colon = text.firstIndex(of: ":") {
      host = text[..<colon]
      portText = text[text.index(after: colon)...]
    } else {
      host = text
    }
    guard !host.isEmpty else { throw PostgresURLError("it names no host (postgres://USER@HOST/DATABASE)") }
    var port = 5432
    if let portText {
      guard let value = Int(portText), (1...65535).contains(value) else {
        throw PostgresURLError("port \(portText.prefix(20)) is not a number from 1 to 65535")
      }
      port = value
    }
    return (String(host), port)
  }

  mutating func applyQuery(_ query: Substring) throws(PostgresURLError) {
    guard !query.isEmpty else { return }
    var seen: Set<String> = []
    for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
      let equals = pair.firstIndex(of: "=") ?? pair.endIndex
      let name = try Self.decode(pair[..<equals], "a query parameter name")
      let value = equals == pair.endIndex ? "" : try Self.decode(pair[pair.index(after: equals)...], "parameter \(name)")
      guard seen.insert(name).inserted else { throw PostgresURLError("parameter \(name) is given twice") }
      switch name {
      case "sslmode":
        guard let mode = PostgresSSLMode(rawValue: value) else {
          throw PostgresURLError(
            "sslmode \(value.prefix(40)) is not supported (use disable, prefer, require, verify-ca or verify-full)")
        }
        sslMode = mode
      case "sslrootcert":
        guard !value.isEmpty else { throw PostgresURLError("sslrootcert names no file") }
        sslRootCertificate = value
      case "connect_timeout":
        guard let seconds = Int(value), seconds > 0 else {
          throw PostgresURLError("connect_timeout \(value.prefix(20)) is not a positive number of seconds")
        }
        connectTimeoutSeconds = seconds
      default:
        throw PostgresURLError(
          "unknown parameter \(name.prefix(40)) (known: \(Self.knownParameters.joined(separator: ", ")))")
      }
    }
  }

  /// Percent-decodes one URL part; `what` names it in the error (its text is never quoted, as
  /// it may be the password).
  static func decode(_ text: Substring, _ what: String) throws(PostgresURLError) -> String {
    var bytes: [UInt8] = []
    var utf8 = text.utf8.makeIterator()
    while let byte = utf8.next() {
      guard byte == UInt8(ascii: "%") else {
        bytes.append(byte)
        continue
      }
      guard let high = utf8.next().flatMap(Self.hexValue), let low = utf8.next().flatMap(Self.hexValue) else {
        throw PostgresURLError("\(what) has a % not followed by two hex digits")
      }
      bytes.append(high << 4 | low)
    }
    guard let decoded = String(validating: bytes, as: UTF8.self) else {
      throw PostgresURLError("\(what) is not UTF-8 once percent-decoded")
    }
    return decoded
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
