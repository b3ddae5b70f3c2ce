internal import ClusterPoolProto

/// How a queue's work is ordered against other queues'. The raw value is the CLI and manifest
/// spelling (`min`, `medium`, `max`).
public enum QueuePriority: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
  case min
  case medium
  case max

  /// Parses `min`, `MEDIUM` or `PRIORITY_MAX`; `nil` for anything else.
  public init?(name: String) {
    var key = name.trimmingWhitespace().lowercased()
    if key.hasPrefix("priority_") { key.removeFirst("priority_".count) }
    guard let value = QueuePriority(rawValue: key) else { return nil }
    self = value
  }

  public var description: String { rawValue }

  var proto: Cloudidl.Queue.Priority {
    switch self {
    case .min: .min
    case .medium: .medium
    case .max: .max
    }
  }

  /// The priority a server sent; `nil` for UNSPECIFIED or an unknown number.
  init?(proto: Cloudidl.Queue.Priority) {
    switch proto {
    case .min: self = .min
    case .medium: self = .medium
    case .max: self = .max
    case .unspecified, .unrecognized: return nil
    }
  }
}
