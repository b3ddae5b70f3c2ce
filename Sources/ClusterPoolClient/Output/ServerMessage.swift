internal import ClusterPoolProto

/// The message a resource was read from, kept for `-of json-raw` (the official CLI prints the
/// server's message, not our model of it). It is not part of the resource's value: resources
/// with equal fields are equal whatever messages they came from.
struct ServerMessage: Sendable, Hashable {
  /// The decoded message, as received (nothing is encoded until json-raw asks).
  private let message: any ProtoMessage

  init(_ message: some ProtoMessage) {
    self.message = message
  }

  /// The message, as the type it was read as.
  func decode<M: ProtoMessage>(as type: M.Type = M.self) throws -> M {
    guard let message = message as? M else {
      let kept = Swift.type(of: message).protoMessageName
      throw NoServerMessageError(resource: "a \(M.protoMessageName) (the message kept is a \(kept))")
    }
    return message
  }

  static func == (lhs: ServerMessage, rhs: ServerMessage) -> Bool { true }
  func hash(into hasher: inout Hasher) {}
}

extension DocumentValue {
  /// The protobuf JSON mapping of `message` (``ProtoJSONEncoder``) as a document.
  static func protoJSON(_ message: some ProtoMessage) throws -> DocumentValue {
    DocumentValue(try ProtoJSONEncoder.value(message))
  }

  init(_ value: ProtoJSONValue) {
    switch value {
    case .string(let text): self = .string(text)
    case .number(let text): self = .number(text)
    case .bool(let flag): self = .bool(flag)
    case .array(let items): self = .array(items.map(DocumentValue.init))
    case .object(let fields): self = .object(fields.map { ($0.name, DocumentValue($0.value)) })
    }
  }
}

/// A resource printed with `-of json-raw` that was not read from a server.
struct NoServerMessageError: Error, CustomStringConvertible {
  var resource: String
  var description: String { "-of json-raw prints the server's message, and \(resource) was not read from a server" }
}
