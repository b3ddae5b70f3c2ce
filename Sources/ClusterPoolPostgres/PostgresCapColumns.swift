internal import ClusterPoolStore
internal import ClusterPoolDomain
internal import Foundation

/// How a queue's caps are kept in its row: two JSONB columns, `[]` when there are none, in the
/// SQLite backend's JSON (ClusterPoolSQLite's QueueCapColumns is internal to it; one shared
/// encoding in the store core would do for both). `max_resources`: `[[resource, "quantity"], ...]`; `max_accelerators`:
/// `[{"class": n, "device": "...", "unpartitioned": bool | "partition_size": "...",
/// "model": n, "count": n}, ...]`, in the order sent.
enum PostgresCapColumns {
  static func encode(_ caps: [ResourceCap]) throws -> String {
    guard !caps.isEmpty else { return "[]" }
    return try json(caps.map { [Int($0.resource), $0.quantity.text] as [Any] })
  }

  static func encode(_ caps: [AcceleratorCap]) throws -> String {
    guard !caps.isEmpty else { return "[]" }
    return try json(
      caps.map { cap -> [String: Any] in
        var object: [String: Any] = [
          "class": Int(cap.deviceClass), "device": cap.device, "model": Int(cap.model), "count": cap.count,
        ]
        switch cap.partitioning {
        case .unpartitioned(let value): object["unpartitioned"] = value
        case .size(let size): object["partition_size"] = size
        }
        return object
      })
  }

  static func resources(_ text: String, queue: QueueKey) throws -> [ResourceCap] {
    guard !text.isEmpty, text != "[]" else { return [] }
    guard let rows = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[Any]] else { throw corrupt(queue) }
    return try rows.map { row in
      guard row.count == 2, let resource = (row[0] as? NSNumber)?.int32Value, let text = row[1] as? String,
        let quantity = KubernetesQuantity(text)
      else { throw corrupt(queue) }
      return ResourceCap(resource: resource, quantity: quantity)
    }
  }

  static func accelerators(_ text: String, queue: QueueKey) throws -> [AcceleratorCap] {
    guard !text.isEmpty, text != "[]" else { return [] }
    guard let rows = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
      throw corrupt(queue)
    }
    return try rows.map { row in
      guard let deviceClass = (row["class"] as? NSNumber)?.int32Value, let device = row["device"] as? String,
        let model = (row["model"] as? NSNumber)?.int32Value, let count = (row["count"] as? NSNumber)?.int64Value
      else { throw corrupt(queue) }
      let partitioning: AcceleratorCap.Partitioning
      if let size = row["partition_size"] as? String {
        partitioning = .size(size)
      } else if let whole = row["unpartitioned"] as? Bool {
        partitioning = .unpartitioned(whole)
      } else {
        throw corrupt(queue)
      }
      return AcceleratorCap(deviceClass: deviceClass, device: device, partitioning: partitioning, model: model, count: count)
    }
  }

  private static func json(_ value: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
  }

  private static func corrupt(_ queue: QueueKey) -> StoreOpenError { StoreOpenError("corrupt caps in the row of queue \(queue)") }
}
