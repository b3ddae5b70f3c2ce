internal import ClusterPoolProto

/// A queue as the official CLI prints it with `-of json-raw`: not the protobuf JSON mapping
/// (as for pools and clusters) but its queue document, built from the server's message:
/// `name`, `status`, `priority`, `run_concurrency`, `action_concurrency`, `depth`, `clusters`,
/// `max_resources`, `max_accelerators`, `scheduling` always; `cluster_pool`,
/// `cluster_managed`, `project`, `domain`, the timestamps (local ISO 8601 without a zone, as
/// Python's `datetime.isoformat`) and the readable authors only when set.
enum QueueRawDocument {
  static func value(_ queue: Queue) throws -> DocumentValue {
    guard let message = queue.message else { throw NoServerMessageError(resource: "queue \(queue.name)") }
    let proto: Cloudidl.Queue.Queue = try message.decode()
    let spec = proto.spec ?? .init()
    let id = proto.id ?? .init()
    let state = proto.status?.state ?? .init()
    var fields: [(String, DocumentValue)] = [
      ("name", .string(id.name)),
      ("status", .string(short(state.protoName, prefix: "QUEUE_STATE_", number: state.rawValue))),
      ("priority", .string(short(spec.priority.protoName, prefix: "PRIORITY_", number: spec.priority.rawValue))),
      ("run_concurrency", .integer(spec.runConcurrency)),
      ("action_concurrency", .integer(spec.actionConcurrency)),
      ("depth", .integer(spec.depth)),
      ("clusters", .array(spec.clusters.map(DocumentValue.string))),
      ("max_resources", .object(spec.maxResources.map { (resourceName($0.name), .string($0.value)) })),
      ("max_accelerators", .object(queue.spec.maxAccelerators.map { ($0.selector, .integer($0.count)) })),
      (
        "scheduling",
        .string(short(spec.scheduling.protoName, prefix: "SCHEDULING_ALGORITHM_", number: spec.scheduling.rawValue))
      ),
    ]
    if !spec.clusterPoolName.isEmpty { fields.append(("cluster_pool", .string(spec.clusterPoolName))) }
    if proto.status?.clusterManaged == true { fields.append(("cluster_managed", .bool(true))) }
    if !id.project.isEmpty { fields.append(("project", .string(id.project))) }
    if !id.domain.isEmpty { fields.append(("domain", .string(id.domain))) }
    for (key, time) in [("created_at", proto.createdAt), ("updated_at", proto.updatedAt)] {
      if let text = isoformat(time) { fields.append((key, .string(text))) }
    }
    if let deletedAt = proto.deletedAt { fields.append(("deleted_at", .string(isoformat(deletedAt) ?? ""))) }
    if let name = proto.authorship?.createdBy.flatMap(readable) { fields.append(("created_by", .string(name))) }
    if let name = proto.authorship?.updatedBy.flatMap(readable) { fields.append(("updated_by", .string(name))) }
    return .object(fields)
  }

  /// `EPHEMERAL_STORAGE` -> `ephemeral_storage`.
  private static func resourceName(_ name: Flyteidl2.Core.Resources.ResourceName) -> String {
    (name.protoName ?? String(name.rawValue)).lowercased()
  }

  /// `QUEUE_STATE_ACTIVE` -> `active`; the number for a value the enum does not define.
  private static func short(_ name: String?, prefix: String, number: Int32) -> String {
    guard let name else { return String(number) }
    return (name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name).lowercased()
  }

  /// `2026-12-06T17:04:04.123456` (microseconds only when not zero), `nil` for the zero time.
  private static func isoformat(_ time: Google.Protobuf.Timestamp?) -> String? {
    guard let time, time.seconds != 0 || time.nanos != 0 else { return nil }
    let micros = Int64(time.nanos) / 1000
    let text = ProtoJSONEncoder.rfc3339(seconds: time.seconds, nanos: 0).dropLast()  // no Z
    guard micros != 0 else { return String(text) }
    let digits = String(micros)
    return text + "." + String(repeating: "0", count: 6 - digits.count) + digits
  }

  /// A person as `first last email` (those given) or their handle; an application as
  /// `name (app)`; `nil` when only an opaque subject is known.
  private static func readable(_ identity: Cloudidl.Common.EnrichedIdentity) -> String? {
    switch identity.principal {
    case .user(let user):
      let spec = user.spec ?? .init()
      let parts = [spec.firstName, spec.lastName, spec.email].filter { !$0.isEmpty }
      let text = parts.isEmpty ? spec.userHandle : parts.joined(separator: " ")
      return text.isEmpty ? nil : text
    case .application(let app):
      let name = app.spec?.name ?? ""
      return name.isEmpty ? nil : "\(name) (app)"
    case nil:
      return nil
    }
  }
}
