/// What `--print-config` never shows: the value of an option whose name ends in a secret's
/// word (`…-password`, `…-secret`, `…-passphrase`, `…-token`, `…-api-key`; not `…-file`, which
/// names where a secret is read from, nor `default-secret-store-type`), and the password of
/// any URL (`postgres://user:***@host/db`).
public enum SecretMask {
  /// The mask.
  public static let mask = "***"

  /// `value` of option `key` as it may be shown.
  public static func masked(_ value: String, key: String) -> String {
    if isSecret(key: key) { return value.isEmpty ? value : mask }
    return maskingURLPassword(value)
  }

  /// Whether option `key` holds a secret itself.
  public static func isSecret(key: String) -> Bool {
    let words = key.split(separator: "-")
    guard let last = words.last else { return false }
    return ["password", "secret", "passphrase", "token"].contains(last) || words.suffix(2) == ["api", "key"]
  }

  /// `text` with the password of a URL's user info replaced by the mask.
  public static func maskingURLPassword(_ text: String) -> String {
    guard let scheme = text.range(of: "://") else { return text }
    let authorityEnd = text[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
    let authority = text[scheme.upperBound..<authorityEnd]
    guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return text }
    return String(text[..<text.index(after: colon)]) + mask + String(text[at...])
  }
}
