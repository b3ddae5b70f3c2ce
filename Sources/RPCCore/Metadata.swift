/// Ordered HTTP/2 header or trailer fields: `(name, value)` pairs with lower-case names.
/// Repeated names are allowed and keep their order.
public struct Metadata: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
  /// One field.
  public struct Field: Sendable, Hashable {
    public var name: String
    public var value: String
  }

  private var fields: [Field]

  /// An empty set of fields.
  public init() { self.fields = [] }

  public init(dictionaryLiteral elements: (String, String)...) {
    self.fields = elements.map { Field(name: $0.0.lowercased(), value: $0.1) }
  }

  /// Creates metadata from pairs, lower-casing the names.
  public init(_ pairs: some Sequence<(String, String)>) {
    self.fields = pairs.map { Field(name: $0.0.lowercased(), value: $0.1) }
  }

  /// The number of fields.
  public var count: Int { fields.count }
  /// Whether there are no fields.
  public var isEmpty: Bool { fields.isEmpty }

  /// The value of the first field called `name` (case-insensitive), if any.
  public func first(_ name: String) -> String? {
    let lower = Self.lowercased(name)
    let length = lower.utf8.count
    return fields.first { $0.name.utf8.count == length && $0.name == lower }?.value
  }

  /// The value of the first field called `name`, a name already in lower case (a constant the
  /// server reads on every call: its check is not repeated per call); any other name finds
  /// nothing.
  public func first(lowercased name: String) -> String? {
    let length = name.utf8.count
    for field in fields where field.name.utf8.count == length && field.name == name { return field.value }
    return nil
  }

  /// Every value of the fields called `name`, in order.
  public func values(_ name: String) -> [String] {
    let lower = Self.lowercased(name)
    return fields.filter { $0.name == lower }.map(\.value)
  }

  /// Appends a field; the name is lower-cased.
  public mutating func add(_ name: String, _ value: String) {
    fields.append(Field(name: name.lowercased(), value: value))
  }

  /// Removes every field called `name`.
  public mutating func remove(_ name: String) {
    let lower = name.lowercased()
    fields.removeAll { $0.name == lower }
  }

  /// The fields `keep` accepts, in order.
  package func filter(_ keep: (Field) -> Bool) -> Metadata {
    var copy = self
    copy.fields.removeAll { !keep($0) }
    return copy
  }

  /// Appends a field whose name is already lower-case (no check: transport use only). The
  /// first one makes room for 8 (a request head has a handful: grown one by one, the array
  /// was reallocated at the 1st, 2nd, 3rd and 5th field).
  package mutating func addLowercased(_ name: String, _ value: String) {
    if fields.capacity == 0 { fields.reserveCapacity(8) }
    fields.append(Field(name: name, value: value))
  }

  public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> {
    fields.lazy.map { (name: $0.name, value: $0.value) }.makeIterator()
  }

  /// `name` lower-cased: itself (no copy) when it has no upper-case ASCII letter, as the names
  /// code asks for (`authorization`, `grpc-timeout`) have not.
  /// The check reads the name's bytes in place (a name's `utf8.contains` was a generic call
  /// per lookup, and a call looks up several names).
  @inline(__always)
  static func lowercased(_ name: String) -> String {
    let plain = name.utf8.withContiguousStorageIfAvailable { bytes in
      for byte in bytes where byte &- UInt8(ascii: "A") < 26 || byte >= 0x80 { return false }
      return true
    }
    return plain == true ? name : name.lowercased()
  }
}
