/// A JSON value as the protobuf JSON mapping produces it: objects keep their field order
/// (field-number order, as protobuf's own printers), numbers keep their exact text.
public enum ProtoJSONValue: Sendable, Hashable {
  case string(String)
  /// A JSON number as text (`10`, `-1`, `0.5`, `1e+30`).
  case number(String)
  case bool(Bool)
  case array([ProtoJSONValue])
  case object([ProtoJSONField])
}

/// One member of a ``ProtoJSONValue/object(_:)``.
public struct ProtoJSONField: Sendable, Hashable {
  /// The JSON name (lowerCamelCase), e.g. `memberClusters`.
  public var name: String
  public var value: ProtoJSONValue

  /// A member named `name`.
  public init(_ name: String, _ value: ProtoJSONValue) {
    self.name = name
    self.value = value
  }
}
