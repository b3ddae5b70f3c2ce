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
