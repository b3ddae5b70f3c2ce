/// One filter of a list request, as sent: a function number (the wire enum's), a field and
/// its values. ``ListQuery`` decides which combinations are supported.
public struct ListFilter: Sendable, Hashable {
  /// Filter functions, numbered as on the wire.
  public enum Function: Int32, Sendable, Hashable, CaseIterable {
    case equal = 0, notEqual = 1, greaterThan = 2, greaterThanOrEqual = 3, lessThan = 4, lessThanOrEqual = 5
    case contains = 6, valueIn = 7, valueNotIn = 9, endsWith = 12, notEndsWith = 13
    case containsCaseInsensitive = 14, exists = 15, notExists = 16

    /// The wire name, e.g. `CONTAINS_CASE_INSENSITIVE`.
    public var name: String {
      switch self {
      case .equal: "EQUAL"
      case .notEqual: "NOT_EQUAL"
      case .greaterThan: "GREATER_THAN"
      case .greaterThanOrEqual: "GREATER_THAN_OR_EQUAL"
      case .lessThan: "LESS_THAN"
      case .lessThanOrEqual: "LESS_THAN_OR_EQUAL"
      case .contains: "CONTAINS"
      case .valueIn: "VALUE_IN"
      case .valueNotIn: "VALUE_NOT_IN"
      case .endsWith: "ENDS_WITH"
      case .notEndsWith: "NOT_ENDS_WITH"
      case .containsCaseInsensitive: "CONTAINS_CASE_INSENSITIVE"
      case .exists: "EXISTS"
      case .notExists: "NOT_EXISTS"
      }
    }
  }

  /// The function's wire number (unknown numbers are kept, and rejected by ``ListQuery``).
  public var functionNumber: Int32
  public var field: String
  public var values: [String]

  public init(functionNumber: Int32, field: String, values: [String] = []) {
    self.functionNumber = functionNumber
    self.field = field
    self.values = values
  }

  public init(_ function: Function, field: String, values: [String] = []) {
    self.init(functionNumber: function.rawValue, field: field, values: values)
  }
}

/// A supported filter on `name`, ready to match.
enum NameMatcher: Sendable, Hashable {
  case equal(String), notEqual(String), contains(String), containsCaseInsensitive(String)
  case valueIn(Set<String>), valueNotIn(Set<String>), endsWith(String), notEndsWith(String)

  func matches(_ name: String) -> Bool {
    switch self {
    case .equal(let v): name == v
    case .notEqual(let v): name != v
    case .contains(let v): v.isEmpty || name.contains(v)
    case .containsCaseInsensitive(let v): v.isEmpty || name.lowercased().contains(v)
    case .valueIn(let set): set.contains(name)
    case .valueNotIn(let set): !set.contains(name)
    case .endsWith(let v): name.hasSuffix(v)
    case .notEndsWith(let v): !name.hasSuffix(v)
    }
  }
}
