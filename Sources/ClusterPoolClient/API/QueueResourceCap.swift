internal import ClusterPoolProto

/// A cap on the summed amount of one resource a queue's running actions may hold: `cpu=4`,
/// `memory=16Gi`. GPUs are not capped this way (see ``QueueAcceleratorCap``).
public struct QueueResourceCap: Sendable, Hashable, CustomStringConvertible {
  /// A resource a queue can cap. The raw value is the CLI and manifest spelling.
  public enum Resource: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case cpu
    case memory
    case storage
    case ephemeralStorage = "ephemeral_storage"

    /// Parses `cpu`, `CPU`, `ephemeral-storage`, ...; `nil` for anything else.
    public init?(name: String) {
      self.init(rawValue: name.trimmingWhitespace().lowercased().replacing("-", with: "_"))
    }

    public var description: String { rawValue }

    var proto: Flyteidl2.Core.Resources.ResourceName {
      switch self {
      case .cpu: .cpu
      case .memory: .memory
      case .storage: .storage
      case .ephemeralStorage: .ephemeralStorage
      }
    }
  }

  /// What is capped.
  public var resource: Resource
  /// A positive Kubernetes quantity (`4`, `500m`, `16Gi`); the server checks it.
  public var quantity: String

  /// A cap of `quantity` on `resource`.
  public init(_ resource: Resource, _ quantity: String) {
    self.resource = resource
    self.quantity = quantity
  }

  /// Parses `NAME=QUANTITY` (`memory=16Gi`).
  public init(parsing text: String) throws(QueueCapError) {
    let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
      throw QueueCapError("expected NAME=QUANTITY (e.g. cpu=4, memory=16Gi), got \"\(text)\"")
    }
    if parts[0].lowercased() == "gpu" {
      throw QueueCapError("gpu cannot be capped as a resource: cap GPUs per accelerator with --max-accelerators (e.g. H100=8)")
    }
    guard let resource = Resource(name: parts[0]) else {
      throw QueueCapError(
        "\"\(parts[0])\" is not a resource a queue can cap: use \(Resource.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    self.init(resource, parts[1])
  }

  /// Parses a comma-separated list of caps (`cpu=4,memory=16Gi`); a name given twice is an error.
  public static func parseList(_ texts: [String]) throws(QueueCapError) -> [QueueResourceCap] {
    var caps: [QueueResourceCap] = []
    for text in texts {
      for item in text.split(separator: ",") {
        let cap = try QueueResourceCap(parsing: String(item))
        guard !caps.contains(where: { $0.resource == cap.resource }) else {
          throw QueueCapError("\(cap.resource) is capped twice")
        }
        caps.append(cap)
      }
    }
    return caps
  }

  public var description: String { "\(resource)=\(quantity)" }

  var proto: Flyteidl2.Core.Resources.ResourceEntry { .init(name: resource.proto, value: quantity) }

  /// The caps a server sent (a server validates names: only these four are ever stored).
  static func caps(proto: [Flyteidl2.Core.Resources.ResourceEntry]) -> [QueueResourceCap] {
    proto.compactMap { entry in
      let resource: Resource? =
        switch entry.name {
        case .cpu: .cpu
        case .memory: .memory
        case .storage: .storage
        case .ephemeralStorage: .ephemeralStorage
        default: nil
        }
      return resource.map { QueueResourceCap($0, entry.value) }
    }
  }
}

/// A cap that cannot be parsed: what is wrong and how to write it.
public struct QueueCapError: Error, Sendable, Hashable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
