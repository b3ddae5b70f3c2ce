/// An enum field holding a number that its enum does not define, found by the generated
/// ``ProtoMessage/undefinedEnumValue()``.
public struct ProtoUndefinedEnumValue: Error, Sendable, Hashable, CustomStringConvertible {
  /// The field's path from the message checked, in proto field names: `status.health`,
  /// `sort_by_fields[1].direction`.
  public var path: String
  /// The number received.
  public var number: Int32
  /// The enum's full proto name, e.g. `cloudidl.cluster.Status.Health`.
  public var enumName: String

  public init(path: String, number: Int32, enumName: String) {
    self.path = path
    self.number = number
    self.enumName = enumName
  }

  /// e.g. `status.health: unknown enum value 7 (cloudidl.cluster.Status.Health)`.
  public var description: String { "\(path): unknown enum value \(number) (\(enumName))" }
}

/// The steps of the generated `undefinedEnumValue()`, one per enum or message field.
enum ProtoEnumCheck {
  static func value<E: ProtoEnum>(_ value: E, _ field: String) -> ProtoUndefinedEnumValue? {
    guard value.protoName == nil else { return nil }
    return ProtoUndefinedEnumValue(path: field, number: value.rawValue, enumName: E.protoEnumName)
  }

  static func values<E: ProtoEnum>(_ values: [E], _ field: String) -> ProtoUndefinedEnumValue? {
    for (i, v) in values.enumerated() where v.protoName == nil {
      return ProtoUndefinedEnumValue(path: "\(field)[\(i)]", number: v.rawValue, enumName: E.protoEnumName)
    }
    return nil
  }

  static func message<M: ProtoMessage>(_ message: M?, _ field: String) -> ProtoUndefinedEnumValue? {
    guard var found = message?.undefinedEnumValue() else { return nil }
    found.path = "\(field).\(found.path)"
    return found
  }

  static func messages<M: ProtoMessage>(_ messages: [M], _ field: String) -> ProtoUndefinedEnumValue? {
    for (i, m) in messages.enumerated() {
      if var found = m.undefinedEnumValue() {
        found.path = "\(field)[\(i)].\(found.path)"
        return found
      }
    }
    return nil
  }
}
