internal import ClusterPoolProto

/// A cluster's health as the control plane judges it from heartbeats and reported status.
public enum ClusterHealth: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
  /// No verdict yet (e.g. never reported).
  case unknown = "UNKNOWN"
  case healthy = "HEALTHY"
  case degraded = "DEGRADED"
  /// Missed heartbeats, or a data plane that differs from its pool's (see `unhealthyReasons`).
  case unhealthy = "UNHEALTHY"
  case waiting = "WAITING"

  public var description: String { rawValue }

  init(proto: Cloudidl.Cluster.Status.Health) {
    switch proto {
    case .healthy: self = .healthy
    case .unhealthy: self = .unhealthy
    case .unknown, .unrecognized: self = .unknown
    }
  }

  init(proto: Cloudidl.Cluster.HealthStatus) {
    switch proto {
    case .healthy: self = .healthy
    case .degraded: self = .degraded
    case .unhealthy: self = .unhealthy
    case .waiting: self = .waiting
    case .unspecified, .unrecognized: self = .unknown
    }
  }
}
