/// How metadata prints: every field in order, with the values of credentials replaced, so
/// that a log line, an error message or a debugger never shows a bearer token, a cookie or
/// a password.
extension Metadata: CustomStringConvertible, CustomDebugStringConvertible {
  /// Fields whose values are secret: `authorization` (the official client's bearer token),
  /// `proxy-authorization`, `flyte-authorization` (the header name some Flyte deployments
  /// use instead), cookies.
  public static let credentialFields: Set<String> = [
    "authorization", "proxy-authorization", "flyte-authorization", "cookie", "set-cookie",
  ]

  /// The value shown in place of a credential.
  public static let redacted = "<redacted>"

  /// Whether the field called `name` (lower-case) carries a credential.
  public static func isCredential(_ name: String) -> Bool {
    credentialFields.contains(name) || name.hasSuffix("-token") || name.hasSuffix("-api-key")
  }

  /// The fields with credential values replaced by ``redacted``, for logging.
  public var redactedFields: [(name: String, value: String)] {
    map { field in (field.name, Self.isCredential(field.name) ? Self.redacted : field.value) }
  }

  public var description: String {
    "[" + redactedFields.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "]"
  }

  public var debugDescription: String { description }
}

extension Metadata.Field: CustomStringConvertible, CustomDebugStringConvertible {
  public var description: String { "\(name): \(Metadata.isCredential(name) ? Metadata.redacted : value)" }
  public var debugDescription: String { description }
}
