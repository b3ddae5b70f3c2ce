internal import ClusterPoolDomain
internal import ClusterPoolProto

extension QueueMessages {
  /// Refuses a CreateQueue or UpdateQueue whose spec (or a cap in it) carries a field this
  /// server's schema does not know: it could not be stored, and a queue must never read back
  /// without what its writer sent. `INVALID_ARGUMENT` naming the message and field numbers.
  static func checkKnownFields(_ spec: Cloudidl.Queue.QueueSpec?, request: ProtoUnknownFields) throws(DomainError) {
    try check(request, "the request")
    guard let spec else { return }
    try check(spec.unknownFields, "spec")
    for (index, entry) in spec.maxResources.enumerated() { try check(entry.unknownFields, "spec.max_resources[\(index)]") }
    for (index, entry) in spec.maxAccelerators.enumerated() {
      try check(entry.unknownFields, "spec.max_accelerators[\(index)]")
      if let accelerator = entry.accelerator {
        try check(accelerator.unknownFields, "spec.max_accelerators[\(index)].accelerator")
      }
    }
  }

  private static func check(_ fields: ProtoUnknownFields, _ place: String) throws(DomainError) {
    guard !fields.isEmpty else { return }
    let numbers = fields.fieldNumbers.map(String.init).joined(separator: ", ")
    throw DomainError(
      .invalidArgument,
      "\(place) carries field\(fields.fieldNumbers.count == 1 ? "" : "s") \(numbers), unknown to this server: it cannot "
        + "store \(fields.fieldNumbers.count == 1 ? "it" : "them") and refuses the request rather than drop "
        + "\(fields.fieldNumbers.count == 1 ? "it" : "them") (a newer client's field?)")
  }
}
