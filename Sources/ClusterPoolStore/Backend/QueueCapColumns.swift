public import ClusterPoolDomain
internal import Foundation

/// How a queue's caps are kept in a backend's row, one encoding for every backend: two JSON
/// text columns (SQLite: TEXT, empty when there are none; PostgreSQL: JSONB, `[]`).
/// `max_resources`: `[[resource, "quantity"], ...]`; `max_accelerators`:
/// `[{"class": n, "device": "...", "unpartitioned": bool | "partition_size": "...",
/// "model": n, "count": n}, ...]`, in the order sent.
public enum QueueCapColumns {
  /// The JSON of `caps`; `none` when there are none.
  public static func encode(_ caps: [ResourceCap], none: String = "") throws -> String {
    guard !caps.isEmpty else { return none }
    return try json(caps.map { [Int($0.resource), $0.quantity.text] as [Any] })
  }

  /// The JSON of `caps`; `none` when there are none.
  public static func encode(_ caps: [AcceleratorCap], none: String = "") throws -> String {
    guard !caps.isEmpty else { return none }
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

  /// The resource caps of `queue`'s column (empty text or `[]`: none); a text that is not
  /// this encoding is a ``StoreOpenError`` naming the queue.
  public static func resources(_ text: String, queue: QueueKey) throws -> [ResourceCap] {
    guard !text.isEmpty, text != "[]" else { return [] }
    guard let rows = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[Any]] else { throw corrupt(queue) }
    return try rows.map { row in
      guard row.count == 2, let resource = (row[0] as? NSNumber)?.int32Value, let text = row[1] as? String,
        let quantity = KubernetesQuantity(text)
      else { throw corrupt(queue) }
      return ResourceCap(resource: resource, quantity: quantity)
    }
  }

  /// The accelerator caps of `queue`'s column (empty text or `[]`: none); a text that is not
  /// this encoding is a ``StoreOpenError`` naming the queue.
  public static func accelerators(_ text: String, queue: QueueKey) throws -> [AcceleratorCap] {
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
