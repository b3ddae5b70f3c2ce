/// The kinds of document `flyte apply` reads, in the order it creates them (deletions run in
/// the reverse order).
public enum ApplyKind: String, CaseIterable, Sendable, Hashable, Comparable, CustomStringConvertible {
  case clusterPool = "ClusterPool"
  case cluster = "Cluster"
  case queue = "Queue"
  case role = "Role"
  case policy = "Policy"
  case assignment = "Assignment"

  /// The CLI's noun: `cluster-pool`, `cluster`, `queue`, `role`, `policy`, `assignment`.
  public var noun: String {
    switch self {
    case .clusterPool: "cluster-pool"
    case .cluster: "cluster"
    case .queue: "queue"
    case .role: "role"
    case .policy: "policy"
    case .assignment: "assignment"
    }
  }

  public var description: String { noun }

  /// Whether objects of this kind are identities' access (managed by apply only when the
  /// files hold at least one document of the kind).
  public var isAccess: Bool { [.role, .policy, .assignment].contains(self) }

  public static func < (lhs: ApplyKind, rhs: ApplyKind) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }

  /// Every kind's name, for messages.
  static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
