/// One document of `flyte apply`'s files: the object it declares and where it stands.
public struct ApplyDocument: Sendable, Hashable {
  /// What the document declares, with the fields of its kind's `--file` manifest.
  public enum Object: Sendable, Hashable {
    /// A pool and its data-plane config.
    case clusterPool(ClusterPoolConfig)
    /// A cluster registered into `pool` (`default` when the document names none).
    case cluster(pool: String)
    /// A queue; `clusterManaged` when the document is a cluster's implicit queue (as
    /// `flyte get queue -o yaml` prints it), which follows its cluster and is left alone.
    case queue(QueueManifest, clusterManaged: Bool)
    /// A custom role granting `actions` (their `ACTION_...` names).
    case role(description: String, actions: [String])
    /// A policy of `bindings`.
    case policy(description: String, bindings: [Policy.Binding])
    /// What an identity is given: exactly `policies`.
    case assignment(Assignment.Identity, policies: [String])
  }

  /// The document's kind.
  public var kind: ApplyKind
  /// The object's name; for an assignment, `user:SUBJECT` or `application:SUBJECT`.
  public var name: String
  /// Where the document starts.
  public var place: SourcePlace
  /// What it declares.
  public var object: Object
  /// Where its keys are (`pool`, `spec.cluster_pool_name`, ...), for messages about them.
  public var keyPlaces: [String: SourcePlace]

  /// Creates a document.
  public init(kind: ApplyKind, name: String, place: SourcePlace, object: Object, keyPlaces: [String: SourcePlace] = [:]) {
    self.kind = kind
    self.name = name
    self.place = place
    self.object = object
    self.keyPlaces = keyPlaces
  }

  /// The place of `key`, else of the document.
  func place(of key: String) -> SourcePlace { keyPlaces[key] ?? place }

  /// The pool the document refers to (a cluster's, a queue's `cluster_pool_name`), with the
  /// key naming it.
  var poolReference: (pool: String, key: String)? {
    switch object {
    case .cluster(let pool): (pool, "pool")
    case .queue(let manifest, false) where !manifest.spec.clusterPoolName.isEmpty:
      (manifest.spec.clusterPoolName, "spec.cluster_pool_name")
    default: nil
    }
  }
}
