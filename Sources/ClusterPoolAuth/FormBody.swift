public import RPCCore

/// An `application/x-www-form-urlencoded` body (the OAuth2 token request): names and values
/// percent-decoded, `+` read as a space.
struct FormBody {
  var fields: [(String, String)]

  init(_ bytes: [UInt8]) {
    fields = bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { pair in
      let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
      func decode(_ part: ArraySlice<UInt8>) -> String {
        PercentEncoding.decode(String(decoding: part.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self))
      }
      return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
    }
  }

  /// The value of `name`; throws when it is sent more than once (RFC 6749 section 3.2).
  func value(_ name: String) throws(TokenRequestError) -> String? {
    let values = fields.filter { $0.0 == name }
    guard values.count <= 1 else { throw .init(.invalidRequest, "\(name) is sent more than once") }
    return values.first?.1
  }
}

/// An RFC 6749 section 5.2 error of the token endpoint.
public struct TokenRequestError: Error, Sendable, Hashable {
  public enum Code: String, Sendable {
    case invalidRequest = "invalid_request"
    case invalidClient = "invalid_client"
    case invalidGrant = "invalid_grant"
    case unsupportedGrantType = "unsupported_grant_type"
  }

  public var code: Code
  /// `error_description`: what was wrong, never a secret.
  public var description: String

  public init(_ code: Code, _ description: String) {
    self.code = code
    self.description = description
  }

  /// 401 for a client that failed to authenticate, 400 otherwise.
  public var status: Int { code == .invalidClient ? 401 : 400 }
}
