/// One change of an ``ApplyPlan``: what happens to one object, the fields that change, and
/// the calls that make it happen.
public struct ApplyChange: Sendable, Hashable {
  /// What happens to the object.
  public enum Action: String, Sendable, Hashable {
    /// Created (or restored, when a deleted object had the name).
    case create
    /// Changed in place.
    case update
    /// A cluster moving to another pool: drained, deleted and registered again.
    case move
    /// Deleted (`--prune`).
    case delete

    /// The plan's mark: `+`, `~`, `~` or `-`.
    public var mark: String {
      switch self {
      case .create: "+"
      case .update, .move: "~"
      case .delete: "-"
      }
    }
  }

  /// What happens.
  public var action: Action
  /// The object's kind.
  public var kind: ApplyKind
  /// The object's name (for an assignment, `user:SUBJECT` or `application:SUBJECT`).
  public var name: String
  /// The fields that change, each as `key: old -> new` (or the new value for a create).
  public var fields: [String]
  /// How the change is made when that is more than one call (e.g. "drain, delete,
  /// re-register").
  public var note: String?
  /// The document asking for it; `nil` for a deletion.
  public var place: SourcePlace?
  /// The calls, in order.
  var steps: [ApplyStep]

  init(
    _ action: Action, _ kind: ApplyKind, _ name: String, fields: [String] = [], note: String? = nil, place: SourcePlace?,
    steps: [ApplyStep]
  ) {
    self.action = action
    self.kind = kind
    self.name = name
    self.fields = fields
    self.note = note
    self.place = place
    self.steps = steps
  }

  /// `create cluster-pool prod`, `move cluster c1`.
  public var summary: String { "\(action.rawValue) \(kind.noun) \(name)" }
}

/// An object on the server that no document names.
public struct ApplyObjectName: Sendable, Hashable, CustomStringConvertible {
  /// Its kind.
  public var kind: ApplyKind
  /// Its name.
  public var name: String

  /// `queue scratch`.
  public var description: String { "\(kind.noun) \(name)" }
}

/// One call of a change.
enum ApplyStep: Sendable, Hashable {
  case createPool(String, ClusterPoolConfig)
  case undeletePool(String)
  case updatePool(String, ClusterPoolConfig)
  case deletePool(String)
  case createCluster(String, pool: String)
  /// Drains the cluster and waits until it is DRAINED.
  case drainCluster(String)
  /// Deletes the cluster and waits until it is DELETED (its name free again).
  case deleteCluster(String)
  case createQueue(String, QueueSpec)
  case undeleteQueue(String)
  case updateQueue(String, QueueSpec)
  case drainQueue(String)
  case activateQueue(String)
  case deleteQueue(String)
  case createRole(String, description: String, actions: [String])
  case updateRole(String, actions: [String])
  case deleteRole(String)
  case createPolicy(String, description: String, bindings: [Policy.Binding])
  case updatePolicy(String, bindings: [Policy.Binding])
  case deletePolicy(String)
  case assign(Assignment.Identity, policy: String)
  case unassign(Assignment.Identity, policy: String)

  /// The step's verb, for progress and failure messages.
  var name: String {
    switch self {
    case .createPool: "create"
    case .undeletePool, .undeleteQueue: "undelete"
    case .updatePool, .updateQueue, .updateRole, .updatePolicy: "update"
    case .deletePool, .deleteCluster, .deleteQueue, .deleteRole, .deletePolicy: "delete"
    case .createCluster: "register"
    case .drainCluster, .drainQueue: "drain"
    case .activateQueue: "activate"
    case .createQueue, .createRole, .createPolicy: "create"
    case .assign: "assign"
    case .unassign: "unassign"
    }
  }
}
