extension ConnectionSettings {
  /// The organization the official client derives from an endpoint when neither `--org` nor
  /// `task.org` names one: the first dot-separated part of what follows `dns:///` once the
  /// endpoint is written that way (no scheme, `http://` and `https://` become `dns:///`, one
  /// trailing `/` dropped), when there are more than two parts. So `dns:///127.0.0.1:8089`
  /// gives `127`, `acme.cloud.example.com` gives `acme`, `https://Acme.example.com/` gives
  /// `Acme` (case kept; the server then refuses it), and `localhost:8089`, `example.com`,
  /// `[::1]:8089` give none. An endpoint the official client refuses (another scheme, e.g.
  /// `dns://resolver/host`) gives none.
  public static func organization(derivedFrom endpoint: String) -> String? {
    var text = Substring(endpoint.trimmingWhitespace())
    if !text.contains("://") {
      text = "dns:///" + text
    } else if text.hasPrefix("https://") {
      text = "dns:///" + text.dropFirst(8)
    } else if text.hasPrefix("http://") {
      text = "dns:///" + text.dropFirst(7)
    } else if !text.hasPrefix("dns:///") {
      return nil
    }
    if text.hasSuffix("/") { text = text.dropLast() }
    let parts = text.dropFirst(7).split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count > 2, !parts[0].isEmpty else { return nil }
    return String(parts[0])
  }
}
