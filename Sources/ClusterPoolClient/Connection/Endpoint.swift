/// A control-plane address as written in `admin.endpoint`, `--endpoint` or `FLYTE_ENDPOINT`.
///
/// Accepted forms: `localhost:8089`, `dns:///localhost:8089`, `dns://resolver/host:8089`,
/// `http://host:port` (cleartext), `https://host[:port]`, `[::1]:8089`, or a bare host. A
/// missing port is 443 with TLS and 80 without.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
  /// Host name or address (IPv6 without brackets).
  public var host: String
  /// The port, or `nil` for the default of the transport.
  public var port: Int?
  /// `true` for `http://`, `false` for `https://`, `nil` when the text says nothing.
  public var impliesInsecure: Bool?

  /// Creates an endpoint.
  public init(host: String, port: Int? = nil, impliesInsecure: Bool? = nil) {
    self.host = host
    self.port = port
    self.impliesInsecure = impliesInsecure
  }

  /// Parses `text`; the error names `origin` (e.g. `admin.endpoint in /path/config.yaml`).
  public init(parsing text: String, origin: String) throws(ConfigurationError) {
    var rest = Substring(text.trimmingWhitespace())
    var insecure: Bool?
    func bad(_ why: String) -> ConfigurationError {
      ConfigurationError("invalid endpoint \"\(text)\" (\(origin)): \(why); expected HOST:PORT or dns:///HOST:PORT")
    }
    guard !rest.isEmpty else { throw bad("it is empty") }
    if let range = rest.range(of: "://") {
      let scheme = rest[..<range.lowerBound].lowercased()
      rest = rest[range.upperBound...]
      switch scheme {
      case "dns":  // dns://[resolver]/host:port: the authority names a resolver, not the server
        guard let slash = rest.firstIndex(of: "/") else { throw bad("dns: needs dns:///HOST:PORT") }
        rest = rest[rest.index(after: slash)...]
      case "http": insecure = true
      case "https": insecure = false
      default: throw bad("unsupported scheme \(scheme)")
      }
    }
    if let slash = rest.firstIndex(of: "/") {
      guard rest[slash...].allSatisfy({ $0 == "/" }) else { throw bad("a path is not allowed") }
      rest = rest[..<slash]
    }
    var host = rest
    var portText: Substring?
    if rest.hasPrefix("[") {
      guard let close = rest.firstIndex(of: "]") else { throw bad("unclosed [") }
      host = rest[rest.index(after: rest.startIndex)..<close]
      let after = rest[rest.index(after: close)...]
      if !after.isEmpty {
        guard after.hasPrefix(":") else { throw bad("unexpected text after ]") }
        portText = after.dropFirst()
      }
    } else if let colon = rest.lastIndex(of: ":") {
      guard rest.firstIndex(of: ":") == colon else { throw bad("an IPv6 address needs [brackets]") }
      host = rest[..<colon]
      portText = rest[rest.index(after: colon)...]
    }
    guard !host.isEmpty else { throw bad("the host is empty") }
    guard !host.contains(where: { $0 == " " || $0 == "@" }) else { throw bad("the host is not valid") }
    var port: Int?
    if let portText {
      guard let value = Int(portText), (1...65535).contains(value) else { throw bad("the port must be 1...65535") }
      port = value
    }
    self.init(host: String(host), port: port, impliesInsecure: insecure)
  }

  /// The port to dial: the explicit one, else 80 for cleartext and 443 for TLS.
  public func port(insecure: Bool) -> Int { port ?? (insecure ? 80 : 443) }

  public var description: String {
    let shown = host.contains(":") ? "[\(host)]" : host
    return port.map { "\(shown):\($0)" } ?? shown
  }
}
