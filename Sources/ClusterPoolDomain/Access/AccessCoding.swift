// Codable forms of the domain's small values, for the store's identity rows (stable JSON):
// an organization and an identity as their text, a timestamp as its nanoseconds.

extension Organization: Codable {
  public init(from decoder: any Decoder) throws {
    self.init(stored: try decoder.singleValueContainer().decode(String.self))
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(name)
  }
}

extension Identity: Codable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let identity = Identity(storageForm: text) else {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an identity: \(text)")
    }
    self = identity
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(storageForm)
  }
}

extension Timestamp: Codable {
  public init(from decoder: any Decoder) throws {
    self.init(nanosecondsSinceEpoch: try decoder.singleValueContainer().decode(Int64.self))
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(nanosecondsSinceEpoch)
  }
}
