internal import ClusterPoolDomain
internal import Foundation

extension StoredRows {
  /// The first difference between these rows (`self`, the source) and `target`, in words
  /// naming the object and the field (`cluster acme/c1: generation is 3 in the source, 2 in the
  /// target`); nil when they hold the same rows. Row order does not matter: rows are matched
  /// by key, kinds compared in the order pools, clusters, queues, health, then the store's
  /// creation time and revision.
  public func firstDifference(to target: StoredRows) -> String? {
    if let difference = Self.firstDifference("pool", pools, target.pools, key: \.key.description) { return difference }
    if let difference = Self.firstDifference("cluster", clusters, target.clusters, key: \.key.description) { return difference }
    if let difference = Self.firstDifference("queue", queues, target.queues, key: \.key.description) { return difference }
    if let difference = Self.firstDifference("health row of cluster", health, target.health, key: \.key.description) {
      return difference
    }
    if let difference = Self.firstDifference(
      "identity row", access.map(\.canonical), target.access.map(\.canonical), key: \.key.description)
    {
      return difference
    }
    if createdAt != target.createdAt {
      return "the store's creation time is \(createdAt) in the source, \(target.createdAt) in the target"
    }
    if revision != target.revision {
      return "the store's revision is \(revision) in the source, \(target.revision) in the target"
    }
    return nil
  }

  /// Counts of the rows, worded (`3 pools, 6 clusters, 7 queues, 4 health rows`).
  public var countsDescription: String {
    func counted(_ count: Int, _ one: String, _ many: String) -> String { "\(count) \(count == 1 ? one : many)" }
    let identity = access.isEmpty ? [] : [counted(access.count, "identity row", "identity rows")]
    return ([
      counted(pools.count, "pool", "pools"), counted(clusters.count, "cluster", "clusters"),
      counted(queues.count, "queue", "queues"), counted(health.count, "health row", "health rows"),
    ] + identity).joined(separator: ", ")
  }

  /// The first row of `kind` missing from either side or differing, by key in ascending order.
  public static func firstDifference<Row: Hashable>(
    _ kind: String, _ source: [Row], _ target: [Row], key: (Row) -> String
  ) -> String? {
    var sourceRows: [String: Row] = [:]
    for row in source { sourceRows[key(row)] = row }
    var targetRows: [String: Row] = [:]
    for row in target { targetRows[key(row)] = row }
    if sourceRows.count != source.count { return "the source holds a \(kind) twice" }
    if targetRows.count != target.count { return "the target holds a \(kind) twice" }
    for name in Set(sourceRows.keys).union(targetRows.keys).sorted() {
      switch (sourceRows[name], targetRows[name]) {
      case (let row?, let copy?) where row != copy:
        return "\(kind) \(name): \(fieldDifference(row, copy))"
      case (_?, nil):
        return "\(kind) \(name) is missing from the target"
      case (nil, _?):
        return "\(kind) \(name) is in the target but not in the source"
      default:
        continue
      }
    }
    return nil
  }

  /// The first stored property whose value differs, worded; the whole rows when no single
  /// property is told apart by its description.
  static func fieldDifference<Row>(_ source: Row, _ target: Row) -> String {
    let targetFields = Dictionary(
      Mirror(reflecting: target).children.compactMap { child in child.label.map { ($0, "\(child.value)") } },
      uniquingKeysWith: { first, _ in first })
    for child in Mirror(reflecting: source).children {
      guard let label = child.label else { continue }
      let value = "\(child.value)"
      if let copied = targetFields[label], copied != value {
        return "\(label) is \(value) in the source, \(copied) in the target"
      }
    }
    return "differs: \(source) in the source, \(target) in the target"
  }
}

extension AccessRow {
  /// The row with its body in one canonical JSON text (sorted keys, no spaces), so that a
  /// body read back from a database that formats JSON its own way (PostgreSQL's `jsonb`)
  /// compares equal to the one written.
  var canonical: AccessRow {
    guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)),
      let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
    else { return self }
    return AccessRow(key: key, body: String(decoding: data, as: UTF8.self))
  }
}
