/// The parts of an `http://` or `https://` URL a request needs.
package struct FetchURL: Sendable {
  package var tls: Bool
  package var host: String
  package var port: Int
  package var pathAndQuery: String

  package init(_ url: String) throws(HTTPFetchError) {
    let rest: Substring
    if url.hasPrefix("https://") {
      (tls, rest) = (true, url.dropFirst(8))
    } else if url.hasPrefix("http://") {
      (tls, rest) = (false, url.dropFirst(7))
    } else {
      throw HTTPFetchError("\(url) is not an http:// or https:// URL")
    }
    let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
    var authority = rest[..<slash]
    let path = rest[slash...]
    pathAndQuery = path.isEmpty ? "/" : (path.first == "?" ? "/" + path : String(path))
    pathAndQuery = pathAndQuery.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
    if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
    var port = tls ? 443 : 80
    if authority.first == "[", let close = authority.firstIndex(of: "]") {
      host = String(authority[authority.index(after: authority.startIndex)..<close])
      let after = authority[authority.index(after: close)...]
      if after.first == ":" {
        guard let parsed = Int(after.dropFirst()), (1...65535).contains(parsed) else { throw HTTPFetchError("\(url): bad port") }
        port = parsed
      }
    } else if let colon = authority.lastIndex(of: ":") {
      host = String(authority[..<colon])
      guard let parsed = Int(authority[authority.index(after: colon)...]), (1...65535).contains(parsed) else {
        throw HTTPFetchError("\(url): bad port")
      }
      port = parsed
    } else {
      host = String(authority)
    }
    guard !host.isEmpty else { throw HTTPFetchError("\(url) names no host") }
    self.port = port
  }

  /// The `Host` field: the host, and the port when it is not the scheme's.
  package var hostField: String {
    let name = host.contains(":") ? "[\(host)]" : host
    return port == (tls ? 443 : 80) ? name : "\(name):\(port)"
  }
}
