/// What the server holds for the organization, as `flyte apply` compares it with its files:
/// live pools, clusters and queues, the names of deleted pools and queues (which a create
/// restores), and, when asked, roles, policies and assignments.
public struct OrganizationState: Sendable {
  /// Live pools by name (`default` always among them).
  public var pools: [String: ClusterPool]
  /// Names of soft-deleted pools.
  public var deletedPools: Set<String>
  /// Live clusters by name (DELETING ones included).
  public var clusters: [String: Cluster]
  /// Live queues by name, the clusters' implicit queues and `default` included.
  public var queues: [String: Queue]
  /// Names of deleted queues.
  public var deletedQueues: Set<String>
  /// Roles by name (built-in ones included); empty when not read.
  public var roles: [String: Role]
  /// Policies by name; empty when not read.
  public var policies: [String: Policy]
  /// Assignments by `user:SUBJECT` / `application:SUBJECT`; empty when not read.
  public var assignments: [String: Assignment]

  /// Creates a state (for tests and tools).
  public init(
    pools: [ClusterPool] = [], deletedPools: Set<String> = [], clusters: [Cluster] = [], queues: [Queue] = [],
    deletedQueues: Set<String> = [], roles: [Role] = [], policies: [Policy] = [], assignments: [Assignment] = []
  ) {
    self.pools = Dictionary(pools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    self.deletedPools = deletedPools
    self.clusters = Dictionary(clusters.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    self.queues = Dictionary(queues.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    self.deletedQueues = deletedQueues
    self.roles = Dictionary(roles.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    self.policies = Dictionary(policies.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    self.assignments = Dictionary(
      assignments.map { ("\($0.identity.kind):\($0.identity.subject)", $0) }, uniquingKeysWith: { first, _ in first })
  }

  /// Reads the organization of `client` with list calls only; `access` also reads roles,
  /// policies and assignments (which need the caller to be allowed to see them).
  public static func read(client: ControlPlaneClient, access: Bool) async throws -> OrganizationState {
    async let pools = ClusterPool.listAll(pageSize: 1000, client: client).collect()
    async let deletedPools = ClusterPool.listAll(pageSize: 1000, deleted: true, client: client).collect()
    async let clusters = Cluster.listAll(pageSize: 1000, client: client).collect()
    async let queues = Queue.listAll(pageSize: 1000, client: client).collect()
    async let deletedQueues = Queue.listAll(pageSize: 1000, deleted: true, client: client).collect()
    var state = OrganizationState(
      pools: try await pools, deletedPools: Set(try await deletedPools.map(\.name)),
      clusters: try await clusters.filter { !$0.isDeleted }, queues: try await queues.filter { !$0.isDeleted },
      deletedQueues: Set(try await deletedQueues.map(\.name)))
    if access {
      async let roles = Role.listAll(client: client)
      async let policies = Policy.listAll(client: client)
      async let assignments = Assignment.listAll(client: client)
      let read = OrganizationState(roles: try await roles, policies: try await policies, assignments: try await assignments)
      state.roles = read.roles
      state.policies = read.policies
      state.assignments = read.assignments
    }
    return state
  }
}
