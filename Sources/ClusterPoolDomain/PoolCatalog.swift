/// Every organization's pools in memory, sorted by name: the state reads are served from.
/// Storage changes it only after a durable commit, and rebuilds it from the store at start.
/// An organization nobody has written to still has its `default` pool, from the template.
public struct PoolCatalog: Sendable {
  /// One organization's pools (live and deleted), and the names of each kind in order: the
  /// index a listing pages through (a listing is of live or of deleted pools).
  struct OrgPools: Sendable {
    var live = SortedNames()
    var deleted = SortedNames()
    var pools = PoolTable()

    /// Adds or replaces `pool`; returns whether the one replaced was deleted (nil: none was).
    @discardableResult
    mutating func upsert(_ pool: ClusterPool) -> Bool? {
      let name = pool.name.value
      let old = pools.updateValue(pool, forKey: name)
      guard old?.isDeleted != pool.isDeleted else { return old?.isDeleted }
      if old?.isDeleted == true { deleted.remove(name) } else if old != nil { live.remove(name) }
      if pool.isDeleted { deleted.insert(name) } else { live.insert(name) }
      return old?.isDeleted
    }

    var count: Int { live.count + deleted.count }
  }

  var organizations: [Organization: OrgPools] = [:]
  /// Stored pools not deleted, over all organizations (kept up to date by ``upsert(_:)``).
  public private(set) var livePools = 0
  /// Stored pools deleted, over all organizations.
  public private(set) var deletedPools = 0
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
    switch organizations[pool.organization, default: OrgPools()].upsert(pool) {
    case true?: deletedPools -= 1
    case false?: livePools -= 1
    case nil: break
    }
    if pool.isDeleted { deletedPools += 1 } else { livePools += 1 }
  }

  /// Adds or replaces `pools`, in order (a later one of the same key wins). Each
  /// organization's table makes room for all of them first (the load at start).
  public mutating func upsert(contentsOf pools: [ClusterPool]) {
    if pools.count > 16 {
      var added: [Organization: Int] = [:]
      for pool in pools { added[pool.organization, default: 0] += 1 }
      for (organization, count) in added {
        let stored = organizations[organization]?.pools.count ?? 0
        organizations[organization, default: OrgPools()].pools.reserveCapacity(stored + count)
      }
    }
    for pool in pools { upsert(pool) }
  }

  /// Number of stored pools over all organizations.
  public var count: Int { livePools + deletedPools }

  /// One page of `query` in `organization`.
  public func list(_ organization: Organization, _ query: ListQuery) -> ListPage {
    let org = organizations[organization] ?? OrgPools()
    // the implicit `default` is merged into the page: added to a copy, it copied every pool of
    // the organization at each List of one that never stored its `default`
    return org.page(query, implicitDefault: org.pools["default"] == nil ? defaultPool.pool(for: organization) : nil)
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
  /// One page of `query`, `implicitDefault` (an organization's unstored `default`) among the
  /// pools. The names come from the index of the listed kind, filtered on their packed bytes
  /// (``NameFilter``); EQUAL and VALUE_IN look their names up. Only the page's pools are read.
  func page(_ query: ListQuery, implicitDefault: ClusterPool?) -> ListPage {
    var result: [ClusterPool] = []
    result.reserveCapacity(min(query.limit, count + 1))
    var more = false
    var pending = implicitDefault.flatMap { query.matches($0) && query.isPastCursor($0.name.value) ? $0 : nil }
    func emit(_ pool: ClusterPool) -> Bool {
      guard result.count < query.limit else {
        more = true
        return false
      }
      result.append(pool)
      return true
    }
    func visit(_ name: String) -> Bool {
      if let implicit = pending, query.descending ? implicit.name.value > name : implicit.name.value < name {
        pending = nil
        guard emit(implicit) else { return false }
      }
      guard let pool = pools[name] else { return true }
      return emit(pool)
    }
    let filter = NameFilter(query.matchers)
    let names = query.deleted ? deleted : live
    if let exact = filter.exact {
      for name in query.descending ? exact.reversed() : exact where query.isPastCursor(name) {
        guard let pool = pools[name], query.matches(pool) else { continue }
        guard visit(name) else { break }
      }
    } else if query.descending {
      names.visit(descendingBefore: query.after.map { names.lowerBound(of: $0) } ?? names.end, passing: filter, visit)
    } else {
      names.visit(ascendingFrom: query.after.map { names.upperBound(of: $0) } ?? names.start, passing: filter, visit)
    }
    if let implicit = pending, !more { _ = emit(implicit) }
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
