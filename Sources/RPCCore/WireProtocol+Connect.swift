package import NIOCore

/// The Connect protocol rules (https://connectrpc.com/docs/protocol): content types, the
/// `Connect-Timeout-Ms` and `Connect-Protocol-Version` headers, the JSON error body of a
/// unary call and the end-of-stream message of a streaming one. Status codes map through
/// `RPCStatusCode.connectName` / `httpStatus`.
package enum ConnectWire {
  /// The response `content-type` of a unary call.
  package static let unaryContentType = "application/proto"
  /// The response `content-type` of a streaming call.
  package static let streamingContentType = "application/connect+proto"
  /// The `content-type` of a unary error body.
  package static let errorContentType = "application/json"
  /// The flag of the end-of-stream envelope.
  package static let endStreamFlag: UInt8 = 0x02
  /// The only protocol version there is.
  package static let protocolVersion = "1"

  /// Parses `Connect-Timeout-Ms`: a positive integer of at most 10 ASCII digits.
  package static func parseTimeout(_ value: some StringProtocol) -> Duration? {
    let utf8 = value.utf8
    guard !utf8.isEmpty, utf8.count <= 10 else { return nil }
    var amount: Int64 = 0
    for byte in utf8 {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      amount = amount * 10 + Int64(byte - UInt8(ascii: "0"))
    }
    return .milliseconds(amount)
  }

  /// The Connect `Error` object: `{"code": "...", "message": "..."}` (message bounded,
  /// left out when empty).
  package static func errorJSON(_ error: RPCError) -> JSONValue {
    var members: [(String, JSONValue)] = [("code", .string(error.code.connectName))]
    if !error.message.isEmpty { members.append(("message", .string(error.wireMessage))) }
    return .object(members)
  }

  /// The body of a unary error response.
  package static func errorBody(_ error: RPCError) -> ByteBuffer {
    var bytes: [UInt8] = []
    errorJSON(error).append(to: &bytes)
    return ByteBuffer(bytes: bytes)
  }

  /// Appends the end-of-stream envelope: `{}` on success, else `{"error": {...}}`, with the
  /// error's metadata as `"metadata": {"name": ["value"]}`.
  package static func appendEndStream(_ status: RPCError?, to out: inout ByteBuffer) {
    var members: [(String, JSONValue)] = []
    if let status {
      members.append(("error", errorJSON(status)))
      var metadata: [(String, JSONValue)] = []
      for field in status.metadata where !field.name.hasPrefix(":") {
        if let index = metadata.firstIndex(where: { $0.0 == field.name }),
          case .array(var values) = metadata[index].1
        {
          values.append(.string(field.value))
          metadata[index].1 = .array(values)
        } else {
          metadata.append((field.name, .array([.string(field.value)])))
        }
      }
      if !metadata.isEmpty { members.append(("metadata", .object(metadata))) }
    }
    var bytes: [UInt8] = []
    JSONValue.object(members).append(to: &bytes)
    out.writeInteger(endStreamFlag)
    out.writeInteger(UInt32(bytes.count))
    out.writeBytes(bytes)
  }

  /// The error a Connect `Error` object describes; `nil` when it is not one (no string
  /// `code`). An unknown code name reads as `unknown`.
  package static func error(fromJSON json: JSONValue) -> RPCError? {
    guard let name = json["code"]?.stringValue else { return nil }
    return RPCError(
      code: RPCStatusCode(connectName: name) ?? .unknown,
      message: json["message"]?.stringValue ?? "")
  }

  /// The outcome of a unary response that is not HTTP 200: the JSON error in its body, or
  /// the code inferred from the HTTP status when the body is no Connect error.
  package static func error(httpStatus: Int, body: ByteBuffer) -> RPCError {
    if let json = try? JSONValue(parsing: body.readableBytesView), let error = error(fromJSON: json) {
      return error
    }
    return RPCError(
      code: RPCStatusCode(inferringFromHTTPStatus: httpStatus),
      message: "HTTP status \(httpStatus)")
  }

  /// The outcome an end-of-stream message reports: `nil` for success; a malformed message
  /// reads as `INTERNAL`.
  package static func status(fromEndStream payload: ByteBuffer) -> RPCError? {
    guard let json = try? JSONValue(parsing: payload.readableBytesView),
      case .object = json
    else {
      return RPCError(code: .internalError, message: "malformed end-of-stream message")
    }
    guard let errorJSON = json["error"] else { return nil }
    guard var error = error(fromJSON: errorJSON) else {
      return RPCError(code: .internalError, message: "malformed end-of-stream error")
    }
    if case .object(let members)? = json["metadata"] {
      for (name, values) in members {
        guard case .array(let list) = values else { continue }
        for value in list { if let text = value.stringValue { error.metadata.add(name, text) } }
      }
    }
    return error
  }
}
