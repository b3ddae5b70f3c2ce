/// One organization's names of one kind (its clusters, or its queues) in order, live ones and
/// deleted ones apart: the index ListClusters and ListQueues page through, as
/// ``PoolCatalog`` pages through pools, so that a page reads the names from its cursor on
/// (each chunk's bytes scanned at once by a name filter, ``NameFilter``) instead of sorting
/// every row of every organization. The rows themselves stay with their owner, looked up by
/// name for the names a page visits.
public struct NameIndex: Sendable, Equatable {
  var live = SortedNames()
  var deleted = SortedNames()

  public init() {}

  /// Number of names, live and deleted.
  public var count: Int { live.count + deleted.count }

  /// Moves `name` from where it was (`wasLive`: true live, false deleted, nil absent) to where
  /// it is now (`isLive`, nil: removed).
  public mutating func move(_ name: String, from wasLive: Bool?, to isLive: Bool?) {
    guard wasLive != isLive else { return }
    switch wasLive {
    case true?: live.remove(name)
    case false?: deleted.remove(name)
    case nil: break
    }
    switch isLive {
    case true?: live.insert(name)
    case false?: deleted.insert(name)
    case nil: break
    }
  }

  /// The live (or deleted) names, ascending.
  public func names(deleted: Bool) -> [ResourceName] { (deleted ? self.deleted : live).map { ResourceName(unchecked: $0) } }

  /// Calls `body` with the names of the listed kind (live, or deleted when `deleted`) after
  /// `after`, ascending, that may pass `filter`, while it returns true; `extra`, a name the
  /// index does not hold (an organization's implicit `default`), is visited in its place.
  /// EQUAL and VALUE_IN visit their values whether the index holds them or not: `body` looks
  /// each name up and checks it.
  func visit(deleted: Bool, after: String?, filter: NameFilter, extra: String? = nil, _ body: (String) -> Bool) {
    if let exact = filter.exact {
      for name in exact where after.map({ name > $0 }) ?? true {
        guard body(name) else { return }
      }
      return
    }
    var pending = extra.flatMap { name in after.map { name > $0 } ?? true ? name : nil }
    var stopped = false
    let names = deleted ? self.deleted : live
    names.visit(ascendingFrom: after.map { names.upperBound(of: $0) } ?? names.start, passing: filter) { name in
      if let extra = pending, extra < name {
        pending = nil
        guard body(extra) else {
          stopped = true
          return false
        }
      }
      guard body(name) else {
        stopped = true
        return false
      }
      return true
    }
    if let extra = pending, !stopped { _ = body(extra) }
  }
}

/// Collects one page of a listing: at most `limit` items, and whether another matching one
/// followed (the next page's token is then that of the last item).
struct PageCollector<Item> {
  let limit: Int
  var items: [Item] = []
  var more = false

  init(limit: Int) {
    self.limit = limit
    items.reserveCapacity(Swift.min(limit, 128))
  }

  /// Adds `item`; false (and `more` set) when the page is full.
  mutating func add(_ item: Item) -> Bool {
    guard items.count < limit else {
      more = true
      return false
    }
    items.append(item)
    return true
  }
}
