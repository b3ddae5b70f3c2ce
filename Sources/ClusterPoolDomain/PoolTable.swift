/// One organization's pools by name, compactly: the pools in one array in the order they were
/// first stored (a pool is never removed, only marked deleted), and each name's place in it.
///
/// A `[String: ClusterPool]` kept every pool inline in its hash table, whose capacity is a power
/// of two at most three quarters full: 9,000 pools took 16,384 slots of 200 bytes (3.3 MB).
/// Here the table holds 4-byte places (16,384 slots: 0.3 MB with their names) and the array the
/// 9,000 pools (1.7 MB), grown by an eighth at a time.
struct PoolTable: Sendable {
  private var places: [String: UInt32] = [:]
  private var pools: [ClusterPool] = []

  /// The pool named `name`, live or deleted.
  subscript(name: String) -> ClusterPool? {
    guard let place = places[name] else { return nil }
    return pools[Int(place)]
  }

  /// Stores `pool` under `name`; returns the pool it replaced, if any.
  @discardableResult
  mutating func updateValue(_ pool: ClusterPool, forKey name: String) -> ClusterPool? {
    if let place = places[name] {
      let old = pools[Int(place)]
      pools[Int(place)] = pool
      return old
    }
    if pools.count == pools.capacity { reserveCapacity(pools.count + max(16, pools.count / 8)) }
    places[name] = UInt32(pools.count)
    pools.append(pool)
    return nil
  }

  /// Room for `capacity` pools in all, so that loading them allocates once.
  mutating func reserveCapacity(_ capacity: Int) {
    pools.reserveCapacity(capacity)
    places.reserveCapacity(capacity)
  }

  /// Every pool, in the order first stored.
  var values: [ClusterPool] { pools }

  var count: Int { pools.count }

  /// Pools the array has room for.
  var capacity: Int { pools.capacity }
}

extension PoolTable: Equatable {
  /// The same pools under the same names, whatever the order they were stored in.
  static func == (lhs: PoolTable, rhs: PoolTable) -> Bool {
    lhs.count == rhs.count && lhs.pools.allSatisfy { rhs[$0.name.value] == $0 }
  }
}
