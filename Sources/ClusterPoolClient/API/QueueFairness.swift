internal import ClusterPoolProto

/// How a queue shares its concurrency between projects. The raw value is the CLI and manifest
/// spelling (`round_robin`, `shuffle_interleave`).
public enum QueueFairness: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
  case roundRobin = "round_robin"
  case shuffleInterleave = "shuffle_interleave"

  /// Parses `round_robin`, `round-robin`, `ROUND_ROBIN` or `FAIRNESS_ALGORITHM_ROUND_ROBIN`;
  /// `nil` for anything else.
  public init?(name: String) {
    var key = name.trimmingWhitespace().lowercased().replacing("-", with: "_")
    if key.hasPrefix("fairness_algorithm_") { key.removeFirst("fairness_algorithm_".count) }
    guard let value = QueueFairness(rawValue: key) else { return nil }
    self = value
  }

  public var description: String { rawValue }

  var proto: Cloudidl.Queue.FairnessAlgorithm {
    switch self {
    case .roundRobin: .roundRobin
    case .shuffleInterleave: .shuffleInterleave
    }
  }

  /// The algorithm a server sent; `nil` for UNSPECIFIED or an unknown number.
  init?(proto: Cloudidl.Queue.FairnessAlgorithm) {
    switch proto {
    case .roundRobin: self = .roundRobin
    case .shuffleInterleave: self = .shuffleInterleave
    case .unspecified, .unrecognized: return nil
    }
  }
}
