/// The validation rules of a pool's config, field by field.
enum ConfigRules {
  /// Bound of `object_store_ref.uri`, in UTF-8 bytes.
  static let maxURIBytes = 2048
  /// Bound of every other text field, in UTF-8 bytes.
  static let maxTextBytes = 1024
  /// Schemes of object stores (`file` for local development).
  static let objectStoreSchemes = ["s3", "gs", "abfs", "abfss", "az", "oci", "file"]
  /// ``objectStoreSchemes`` as error messages list them (joined once, not at every check).
  static let objectStoreSchemeList = objectStoreSchemes.joined(separator: ", ")

  static func checkObjectStoreURI(_ uri: String) throws(DomainError) {
    let field = "object_store_ref.uri"
    guard !uri.isEmpty else {
      throw .invalid("\(field) is required: give the pool's object store, e.g. s3://my-bucket/prefix")
    }
    try TextRules.check(uri, field: field, maxBytes: maxURIBytes)
    let schemes = objectStoreSchemeList
    guard let parts = URIParts(uri) else {
      throw .invalid(
        "\(field) \(ResourceName.quoted(uri)) is not an absolute URI: write SCHEME://BUCKET/PATH with a scheme among \(schemes)")
    }
    guard objectStoreSchemes.contains(parts.scheme) else {
      throw .invalid("\(field) scheme \"\(parts.scheme)\" is not an object store: use one of \(schemes)")
    }
    guard !uri.contains(where: \.isWhitespace) else {
      throw .invalid("\(field) must not contain spaces: percent-encode them (%20)")
    }
    if parts.scheme == "file" {
      guard parts.path.hasPrefix("/"), parts.path.count > 1 else {
        throw .invalid("\(field) \(ResourceName.quoted(uri)) needs an absolute path, e.g. file:///var/lib/clusterpool/data")
      }
    } else if parts.authority?.isEmpty ?? true {
      throw .invalid("\(field) \(ResourceName.quoted(uri)) names no bucket or container: write \(parts.scheme)://BUCKET[/PATH]")
    }
  }

  static func checkEndpoint(_ endpoint: String) throws(DomainError) {
    let field = "object_store_ref.endpoint"
    guard !endpoint.isEmpty else { return }
    try TextRules.check(endpoint, field: field, maxBytes: maxTextBytes)
    guard let parts = URIParts(endpoint), parts.scheme == "http" || parts.scheme == "https",
      let authority = parts.authority, !authority.isEmpty, !endpoint.contains(where: \.isWhitespace)
    else {
      throw .invalid(
        "\(field) \(ResourceName.quoted(endpoint)) must be an http(s) URL such as https://s3.example.com, or empty")
    }
  }

  static func checkImageRegistry(_ locator: String) throws(DomainError) {
    let field = "image_registry.locator"
    guard !locator.isEmpty else { return }
    try TextRules.check(locator, field: field, maxBytes: maxTextBytes)
    guard RegistryLocator.isValid(locator) else {
      throw .invalid(
        "\(field) \(ResourceName.quoted(locator)) must be a registry host with optional port and path and no scheme, "
          + "e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/union or registry.local:5000/team")
    }
  }
}

/// The scheme, authority and path of a URI, split without percent-decoding.
struct URIParts {
  var scheme: String
  var authority: String?
  var path: String

  init?(_ text: String) {
    guard let colon = text.firstIndex(of: ":") else { return nil }
    let scheme = text[..<colon]
    func letter(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) }
    guard let first = scheme.utf8.first, letter(first),
      scheme.utf8.allSatisfy({ letter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
    else { return nil }
    self.scheme = scheme.lowercased()
    let rest = text[text.index(after: colon)...]
    if rest.hasPrefix("//") {
      let afterSlashes = rest.dropFirst(2)
      let end = afterSlashes.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterSlashes.endIndex
      authority = String(afterSlashes[..<end])
      path = String(afterSlashes[end...])
    } else {
      authority = nil
      path = String(rest)
    }
  }
}

/// `host[:port][/path]` of a container registry.
enum RegistryLocator {
  static func isValid(_ text: String) -> Bool {
    let slash = text.firstIndex(of: "/") ?? text.endIndex
    let hostPort = text[..<slash]
    var host = hostPort
    if let colon = hostPort.lastIndex(of: ":") {
      let port = hostPort[hostPort.index(after: colon)...]
      guard !port.isEmpty, port.count <= 5, port.allSatisfy(\.isASCIIDigit), let n = Int(port), (1...65535).contains(n) else {
        return false
      }
      host = hostPort[..<colon]
    }
    guard isHost(host) else { return false }
    guard slash != text.endIndex else { return true }
    let path = text[text.index(after: slash)...]
    let components = path.split(separator: "/", omittingEmptySubsequences: false)
    return !components.isEmpty && components.allSatisfy { component in
      !component.isEmpty && component.utf8.allSatisfy { b in
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E || b == 0x5F
      }
    }
  }

  /// A DNS name or IPv4 address: dot-separated labels of letters, digits and inner '-'.
  private static func isHost(_ host: Substring) -> Bool {
    guard !host.isEmpty, host.utf8.count <= 253 else { return false }
    return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
      let bytes = Array(label.utf8)
      guard (1...63).contains(bytes.count) else { return false }
      func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) }
      return alnum(bytes.first!) && alnum(bytes.last!) && bytes.allSatisfy { alnum($0) || $0 == 0x2D }
    }
  }
}

extension Character {
  var isASCIIDigit: Bool { asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
}
