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
