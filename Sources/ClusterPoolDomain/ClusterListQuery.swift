/// A validated ListClusters / Count request: the pool listing's rules (name filters,
/// `EXISTS deleted_at`, limit, keyset page token) plus filters on the cluster's `pool`.
public struct ClusterListQuery: Sendable, Hashable {
  /// Name filters, deleted flag and limit, validated as for pools.
  public let base: ListQuery
  /// The last cluster name of the previous page.
  public let after: String?
  let poolMatchers: [NameMatcher]
  let fingerprint: UInt64

  private static let onPool = "EQUAL, NOT_EQUAL, VALUE_IN, VALUE_NOT_IN, CONTAINS"

  public init(organization: Organization, limit: UInt32, token: String, filters: [ListFilter], rawFilters: [String] = [])
    throws(DomainError)
  {
    var others: [ListFilter] = []
    var pools: [NameMatcher] = []
    for filter in filters {
      guard filter.field == "pool" else {
        others.append(filter)
        continue
      }
      pools.append(try Self.poolMatcher(filter))
    }
    base = try ListQuery(
      organization: organization, limit: limit, token: "", filters: others, rawFilters: rawFilters,
      subject: .init(plural: "clusters", otherFilters: ", on pool (\(Self.onPool))"))
    poolMatchers = pools
    fingerprint = ListQuery.fingerprint(listing: "clusters", organization, filters)
    after = token.isEmpty ? nil : try PageToken.decode(token, fingerprint: fingerprint)
  }

  /// Whether `cluster` belongs in this listing (ignoring paging).
  public func matches(_ cluster: Cluster) -> Bool {
    cluster.isLive == !base.deleted && base.matchers.allSatisfy { $0.matches(cluster.key.name.value) }
      && poolMatchers.allSatisfy { $0.matches(cluster.poolName.value) }
  }

  /// Whether `cluster` matches the name and pool filters, live or deleted (a watch reports
  /// a deletion too).
  public func matchesNameAndPool(_ cluster: Cluster) -> Bool {
    base.matchers.allSatisfy { $0.matches(cluster.key.name.value) } && poolMatchers.allSatisfy { $0.matches(cluster.poolName.value) }
  }

  /// One page from `index` (the organization's cluster names), each name's cluster read by
  /// `cluster` (also with a name the index does not hold, an EQUAL or VALUE_IN value): only
  /// the names from the token on are visited, filtered on their bytes.
  public func page(_ index: NameIndex, _ cluster: (ResourceName) -> Cluster?) -> (clusters: [Cluster], nextToken: String) {
    var page = PageCollector<Cluster>(limit: base.limit)
    index.visit(deleted: base.deleted, after: after, filter: NameFilter(base.matchers)) { name in
      guard let cluster = cluster(ResourceName(unchecked: name)), matches(cluster) else { return true }
      return page.add(cluster)
    }
    let token = page.more ? page.items.last.map { PageToken.encode(lastName: $0.key.name.value, fingerprint: fingerprint) } ?? "" : ""
    return (page.items, token)
  }

  /// How many of `clusters` match (paging ignored).
  public func count(_ clusters: [Cluster]) -> Int { clusters.count { matches($0) } }

  private static func poolMatcher(_ filter: ListFilter) throws(DomainError) -> NameMatcher {
    let function = ListFilter.Function(rawValue: filter.functionNumber)
    let name = function?.name ?? "\(filter.functionNumber)"
    switch function {
    case .equal?, .notEqual?, .contains?:
      guard filter.values.count == 1 else { throw .invalid("\(name) pool takes exactly one value, got \(filter.values.count)") }
      let value = filter.values[0]
      return function == .equal ? .equal(value) : function == .notEqual ? .notEqual(value) : .contains(value)
    case .valueIn?, .valueNotIn?:
      guard !filter.values.isEmpty else { throw .invalid("\(name) pool takes at least one value") }
      return function == .valueIn ? .valueIn(Set(filter.values)) : .valueNotIn(Set(filter.values))
    default:
      throw .invalid("filter \(name) is not supported on pool: use one of \(onPool)")
    }
  }
}
