internal import Foundation
internal import RPCCore
internal import RPCHTTP2

/// One client-credentials token request (RFC 6749 section 4.4) and the reading of its answer:
/// a form POST with `Authorization: Basic base64(id:secret)` (each form-encoded, as the
/// official client sends them), answered `{"access_token", "token_type", "expires_in"}` or a
/// section 5.2 error. No message quotes the secret or the token.
struct TokenRequest: Sendable {
  var clientID: String
  var secret: Secret

  /// The request's header fields.
  var fields: Metadata {
    let credentials = "\(Self.formEncoded(clientID)):\(Self.formEncoded(secret.revealed))"
    return [
      "content-type": "application/x-www-form-urlencoded", "accept": "application/json", "cache-control": "no-cache",
      "authorization": "Basic " + Data(credentials.utf8).base64EncodedString(),
    ]
  }

  /// The request's body.
  var body: [UInt8] { Array("grant_type=client_credentials".utf8) }

  /// The token of a 200 answer, with its lifetime in seconds when the server gave one; any
  /// other answer is thrown as `UNAUTHENTICATED` (or `UNAVAILABLE` for a 5xx or 429) naming
  /// the endpoint, the client and the server's error.
  func token(from answer: HTTPExchangeResponse, endpoint: String) throws(ClientError) -> (token: Secret, expiresIn: Double?) {
    let document = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
    guard answer.status == 200 else {
      let code: ClientError.Code = answer.status >= 500 || answer.status == 429 ? .unavailable : .unauthenticated
      var reason = "HTTP \(answer.status)"
      if let error = document?["error"] as? String {
        reason += ": \(error)"
        if let description = document?["error_description"] as? String, !description.isEmpty { reason += ": \(description)" }
      }
      throw ClientError(
        code: code, message: secret.masked(in: "the token endpoint \(endpoint) refused client \(clientID): \(reason.prefix(400))"))
    }
    guard let token = document?["access_token"] as? String, !token.isEmpty else {
      throw ClientError(code: .unauthenticated, message: "the token endpoint \(endpoint) answered without an access_token")
    }
    if let type = document?["token_type"] as? String, type.lowercased() != "bearer" {
      throw ClientError(code: .unauthenticated, message: "the token endpoint \(endpoint) issued a \(type) token, not a Bearer one")
    }
    let lifetime = (document?["expires_in"] as? NSNumber)?.doubleValue ?? (document?["expires_in"] as? String).flatMap(Double.init)
    return (Secret(token), lifetime.flatMap { $0 > 0 ? $0 : nil })
  }

  /// How long after its request a token of `lifetime` seconds is renewed: 60 s before it
  /// expires, or after 90 % of a lifetime under 10 minutes.
  static func renewal(lifetime: Double) -> Duration {
    .milliseconds(Int64((lifetime - min(60, lifetime / 10)) * 1000))
  }

  /// `application/x-www-form-urlencoded` text (RFC 6749 appendix B).
  static func formEncoded(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "*"):
        out.append(Character(UnicodeScalar(byte)))
      case UInt8(ascii: " "): out.append("+")
      default: out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
      }
    }
    return out
  }
}

extension String {
  fileprivate func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
