/// The names of identity and access objects: client ids, role and policy names (1-128
/// letters, digits, '.', '_' and '-', starting with a letter or digit; never ':', which
/// separates the parts of a `FLYTE_API_KEY`), and user subjects (1-255 bytes, no whitespace
/// or control characters).
public enum AccessName {
  /// Longest client id, role or policy name.
  public static let maxLength = 128
  /// Longest user subject, in UTF-8 bytes.
  public static let maxSubjectBytes = 255

  /// Validates a client id, role or policy name; `kind` (e.g. "role") names it in the message.
  public static func validate(_ name: String, kind: String) throws(DomainError) -> String {
    if name.isEmpty { throw .invalid("\(kind) name is required") }
    let bytes = name.utf8
    let allowed = bytes.allSatisfy { byte in
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        || byte == 0x2E || byte == 0x5F || byte == 0x2D
    }
    let first = bytes.first!
    let startsWell = first != 0x2E && first != 0x5F && first != 0x2D
    guard allowed, startsWell, bytes.count <= maxLength else {
      throw .invalid(
        "\(kind) name \(ResourceName.quoted(name)) is invalid: use 1-\(maxLength) letters, digits, '.', '_' and '-', "
          + "starting with a letter or digit (e.g. ci-deploy)")
    }
    return name
  }

  /// Validates a user subject.
  public static func validateSubject(_ subject: String, kind: String = "user") throws(DomainError) -> String {
    if subject.isEmpty { throw .invalid("\(kind) subject is required") }
    try TextRules.check(subject, field: "\(kind) subject", maxBytes: maxSubjectBytes)
    if subject.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
      throw .invalid("\(kind) subject \(ResourceName.quoted(subject)) contains whitespace: subjects are single words")
    }
    return subject
  }
}
