/// A validated ListQueues request: the pool listing's rules (name filters, `EXISTS
/// deleted_at`, limit, keyset page token) plus filters on the queue's `pool` and `state`
/// (`QUEUE_STATE_ACTIVE` or `ACTIVE`, ...).
public struct QueueListQuery: Sendable, Hashable {
  /// Name filters, deleted flag and limit, validated as for pools.
  public let base: ListQuery
  /// The last queue name of the previous page.
  public let after: String?
  let poolMatchers: [NameMatcher]
  let stateMatchers: [NameMatcher]
  let fingerprint: UInt64

  private static let supported = "EQUAL, NOT_EQUAL, VALUE_IN, VALUE_NOT_IN"
  /// The wire's queue state names, without their `QUEUE_STATE_` prefix.
  public static let stateNames: Set<String> = ["ACTIVE", "DRAINING", "DRAINED", "DELETING", "DELETED"]

  public init(organization: Organization, limit: UInt32, token: String, filters: [ListFilter], rawFilters: [String] = [])
    throws(DomainError)
  {
    var others: [ListFilter] = []
    var pools: [NameMatcher] = []
    var states: [NameMatcher] = []
    for filter in filters {
      switch filter.field {
      case "pool", "cluster_pool_name": pools.append(try Self.matcher(filter, field: "pool", normalize: { $0 }))
      case "state": states.append(try Self.matcher(filter, field: "state", normalize: Self.state))
      default: others.append(filter)
      }
    }
    base = try ListQuery(
      organization: organization, limit: limit, token: "", filters: others, rawFilters: rawFilters,
      subject: .init(plural: "queues", otherFilters: ", on pool or state (\(Self.supported))"))
    poolMatchers = pools
    stateMatchers = states
    fingerprint = ListQuery.fingerprint(listing: "queues", organization, filters)
    after = token.isEmpty ? nil : try PageToken.decode(token, fingerprint: fingerprint)
  }

  /// Whether a queue of `name` in `pool`, in wire state `state` (e.g. `ACTIVE`), live or not,
  /// belongs in this listing (ignoring paging).
  public func matches(name: String, pool: String, state: String, live: Bool) -> Bool {
    live == !base.deleted && base.matchers.allSatisfy { $0.matches(name) } && poolMatchers.allSatisfy { $0.matches(pool) }
      && stateMatchers.allSatisfy { $0.matches(state) }
  }

  /// One page from `index` (the organization's queue names; `extra`, a name it does not
  /// hold, visited in its place), each name's item read by `item`: only the names from the
  /// token on are visited, filtered on their bytes.
  public func page<Item>(
    _ index: NameIndex, extra: String? = nil, _ item: (ResourceName) -> Item?, name: (Item) -> String, matching: (Item) -> Bool
  ) -> (items: [Item], nextToken: String) {
    var page = PageCollector<Item>(limit: base.limit)
    index.visit(deleted: base.deleted, after: after, filter: NameFilter(base.matchers), extra: extra) { visited in
      guard let item = item(ResourceName(unchecked: visited)), matching(item) else { return true }
      return page.add(item)
    }
    let token = page.more ? page.items.last.map { PageToken.encode(lastName: name($0), fingerprint: fingerprint) } ?? "" : ""
    return (page.items, token)
  }

  private static func state(_ text: String) throws(DomainError) -> String {
    var name = text.uppercased()
    if name.hasPrefix("QUEUE_STATE_") { name.removeFirst("QUEUE_STATE_".count) }
    guard stateNames.contains(name) else {
      throw .invalid("state \(QuotedInput.quote(text)) is not a queue state: use QUEUE_STATE_ACTIVE, _DRAINING, _DRAINED, _DELETING or _DELETED")
    }
    return name
  }

  private static func matcher(
    _ filter: ListFilter, field: String, normalize: (String) throws(DomainError) -> String
  ) throws(DomainError) -> NameMatcher {
    let function = ListFilter.Function(rawValue: filter.functionNumber)
    let name = function?.name ?? "\(filter.functionNumber)"
    switch function {
    case .equal?, .notEqual?:
      guard filter.values.count == 1 else { throw .invalid("\(name) \(field) takes exactly one value, got \(filter.values.count)") }
      let value = try normalize(filter.values[0])
      return function == .equal ? .equal(value) : .notEqual(value)
    case .valueIn?, .valueNotIn?:
      guard !filter.values.isEmpty else { throw .invalid("\(name) \(field) takes at least one value") }
      var values: Set<String> = []
      for value in filter.values { values.insert(try normalize(value)) }
      return function == .valueIn ? .valueIn(values) : .valueNotIn(values)
    default:
      throw .invalid("filter \(name) is not supported on \(field): use one of \(supported)")
    }
  }
}
