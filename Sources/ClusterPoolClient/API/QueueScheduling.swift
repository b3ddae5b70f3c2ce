internal import ClusterPoolProto

/// What a queue does when the action at its head does not fit the capacity left under its
/// caps. The raw value is the CLI and manifest spelling (`strict_fifo`, `greedy_capacity`).
public enum QueueScheduling: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
  /// Hold the line behind the head (what gang-style work wants).
  case strictFIFO = "strict_fifo"
  /// Skip the head and keep dispatching what fits.
  case greedyCapacity = "greedy_capacity"

  /// Parses `strict_fifo`, `strict-fifo`, `STRICT_FIFO` or `SCHEDULING_ALGORITHM_STRICT_FIFO`;
  /// `nil` for anything else.
  public init?(name: String) {
    var key = name.trimmingWhitespace().lowercased().replacing("-", with: "_")
    if key.hasPrefix("scheduling_algorithm_") { key.removeFirst("scheduling_algorithm_".count) }
    guard let value = QueueScheduling(rawValue: key) else { return nil }
    self = value
  }

  public var description: String { rawValue }

  var proto: Cloudidl.Queue.SchedulingAlgorithm {
    switch self {
    case .strictFIFO: .strictFifo
    case .greedyCapacity: .greedyCapacity
    }
  }

  /// The algorithm a server sent; `nil` for UNSPECIFIED or an unknown number.
  init?(proto: Cloudidl.Queue.SchedulingAlgorithm) {
    switch proto {
    case .strictFifo: self = .strictFIFO
    case .greedyCapacity: self = .greedyCapacity
    case .unspecified, .unrecognized: return nil
    }
  }
}
