public import ClusterPoolDomain
public import RPCCore

/// What a call of one method needs (identity.md's table): the one table authorization reads,
/// by `:path`, before any handler runs.
public enum MethodAccess: Sendable, Hashable, CustomStringConvertible {
  /// Anyone, with or without credentials: health, reflection, auth metadata.
  case open
  /// A valid credential, no action: `UserInfo`.
  case authenticated
  /// `action` on the caller's organization.
  case organization(AccessAction)
  /// `action` on the cluster the request names: an organization grant covers every cluster,
  /// a cluster binding that cluster only (`Heartbeat`, `UpdateStatus`).
  case cluster(AccessAction)

  public var description: String {
    switch self {
    case .open: "none"
    case .authenticated: "a valid credential"
    case .organization(let action): "\(action) on the organization"
    case .cluster(let action): "\(action) on the cluster"
    }
  }

  /// The rule of `path` (`/package.Service/Method`); `nil` for a method the table does not
  /// know, which authorization refuses (a new method must be added here to be callable).
  public static func rule(for path: String) -> MethodAccess? {
    MethodDescriptor(path: path).flatMap { rule(for: $0) }
  }

  /// The rule of `method`, from its service and method names as they are (the access gate's
  /// per-call lookup: no `:path` made or split).
  public static func rule(for descriptor: MethodDescriptor) -> MethodAccess? {
    let (service, method) = (descriptor.service, descriptor.method)
    if openServices.contains(service) { return .open }
    switch service {
    case "flyteidl2.auth.IdentityService": return method == "UserInfo" ? .authenticated : nil
    case "cloudidl.clusterpool.ClusterPoolService":
      return isRead(method) ? .organization(.viewClusterConfig) : .organization(.manageCluster)
    case "cloudidl.cluster.ClusterService":
      if method == "Heartbeat" || method == "UpdateStatus" { return .cluster(.manageCluster) }
      return isRead(method) ? .organization(.viewClusterConfig) : .organization(.manageCluster)
    case "cloudidl.queue.QueueService":
      return isRead(method) || method == "ResolveQueue" ? .organization(.viewClusterConfig) : .organization(.manageQueue)
    case "clusterpool.audit.v1.AuditService": return .organization(.administerAccount)
    case _ where identityServices.contains(service):
      return isRead(method) ? .organization(.viewIdentities) : .organization(.managePermissions)
    default: return nil
    }
  }

  /// Services that need no credentials (`rpctest.v1.TestService` is served only with
  /// `--enable-test-service`, for transport tests).
  static let openServices: Set<String> = [
    "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
    "flyteidl2.auth.AuthMetadataService", "rpctest.v1.TestService",
  ]

  static let identityServices = Set(IdentityServices.serviceNames)

  /// Reads: `Get*`, `List*`, `Count`, `Watch*`.
  static func isRead(_ method: String) -> Bool {
    method.hasPrefix("Get") || method.hasPrefix("List") || method == "Count" || method.hasPrefix("Watch")
  }
}
