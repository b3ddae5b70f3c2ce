/// Every organization's pools in memory, sorted by name: the state reads are served from.
/// Storage changes it only after a durable commit, and rebuilds it from the store at start.
/// An organization nobody has written to still has its `default` pool, from the template.
public struct PoolCatalog: Sendable {
  /// One organization's pools (live and deleted).
  struct OrgPools: Sendable {
    var names = SortedNames()
    var pools: [String: ClusterPool] = [:]

    mutating func upsert(_ pool: ClusterPool) {
      if pools.updateValue(pool, forKey: pool.name.value) == nil { names.insert(pool.name.value) }
    }

  }

  var organizations: [Organization: OrgPools] = [:]
  /// The `default` pool of organizations that have not stored one.
  public let defaultPool: DefaultPoolTemplate

  public init(defaultPool: DefaultPoolTemplate) {
    self.defaultPool = defaultPool
  }

  /// The stored (or implicit `default`) pool of `key`, live or deleted.
  public func pool(_ key: PoolKey) -> ClusterPool? {
    if let pool = organizations[key.organization]?.pools[key.name.value] { return pool }
    return key.name.isDefault ? defaultPool.pool(for: key.organization) : nil
  }

  /// Adds or replaces a pool.
  public mutating func upsert(_ pool: ClusterPool) {
    organizations[pool.organization, default: OrgPools()].upsert(pool)
  }

  /// Adds or replaces `pools`, in order (a later one of the same key wins).
  public mutating func upsert(contentsOf pools: [ClusterPool]) {
    for pool in pools { upsert(pool) }
  }

  /// Number of stored pools over all organizations.
  public var count: Int { organizations.values.reduce(0) { $0 + $1.names.count } }

  /// One page of `query` in `organization`.
  public func list(_ organization: Organization, _ query: ListQuery) -> ListPage {
    var org = organizations[organization] ?? OrgPools()
    if org.pools["default"] == nil { org.upsert(defaultPool.pool(for: organization)) }
    return org.page(query)
  }
}

/// One page of a listing.
public struct ListPage: Sendable, Hashable {
  public var pools: [ClusterPool]
  /// Continues the listing; empty on the last page.
  public var nextToken: String

  public init(pools: [ClusterPool], nextToken: String) {
    self.pools = pools
    self.nextToken = nextToken
  }
}

extension PoolCatalog.OrgPools {
  func page(_ query: ListQuery) -> ListPage {
    var result: [ClusterPool] = []
    result.reserveCapacity(min(query.limit, names.count))
    var more = false
    func visit(_ name: String) -> Bool {
      guard let pool = pools[name], query.matches(pool) else { return true }
      if result.count == query.limit {
        more = true
        return false
      }
      result.append(pool)
      return true
    }
    if query.descending {
      names.visit(descendingBefore: query.after.map { names.lowerBound(of: $0) } ?? names.end, visit)
    } else {
      names.visit(ascendingFrom: query.after.map { names.upperBound(of: $0) } ?? names.start, visit)
    }
    let token = more ? result.last.map { query.token(after: $0.name.value) } ?? "" : ""
    return ListPage(pools: result, nextToken: token)
  }
}

extension RandomAccessCollection where Element == String, Index == Int {
  /// First index whose element is not less than `value` (binary search on a sorted array).
  func lowerBound(of value: String) -> Int {
    var low = startIndex, high = endIndex
    while low < high {
      let mid = (low + high) / 2
      if self[mid] < value { low = mid + 1 } else { high = mid }
    }
    return low
  }

  /// First index whose element is greater than `value`.
  func upperBound(of value: String) -> Int {
    var low = startIndex, high = endIndex
    while low < high {
      let mid = (low + high) / 2
      if self[mid] <= value { low = mid + 1 } else { high = mid }
    }
    return low
  }
}
