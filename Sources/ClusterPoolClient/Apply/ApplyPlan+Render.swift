extension ApplyPlan {
  /// The plan for people: one line per change (`+ create`, `~ update`, `~ move`, `- delete`,
  /// with the document's file and line), the changed fields under it, a count, then the
  /// objects not managed here; `No changes` when there are none.
  ///
  /// ```
  /// + create cluster-pool prod  (org/pools.yaml:1)
  ///     config.object_store_ref.uri: s3://prod
  /// ~ update queue gpu  (org/queues.yaml:12)
  ///     spec.run_concurrency: 10 -> 20
  /// - delete queue scratch  (drained first)
  /// Plan: 1 to create, 1 to update, 1 to delete.
  /// ```
  public func rendered() -> String {
    var lines: [String] = []
    for change in changes {
      var line = "\(change.action.mark) \(change.summary)"
      if let place = change.place { line += "  (\(place))" }
      if change.action == .delete, let note = change.note { line += "  (\(note))" }
      lines.append(line)
      lines += change.fields.map { "    \($0)" }
      if change.action != .delete, let note = change.note { lines.append("    (\(note))") }
    }
    if changes.isEmpty {
      lines.append("No changes: the organization matches the \(documentCount) document\(documentCount == 1 ? "" : "s").")
    } else {
      lines.append("Plan: \(countLine).")
    }
    let notManaged = prune ? unmanaged.filter { $0.kind == .assignment } : unmanaged
    if !notManaged.isEmpty {
      lines.append(
        prune
          ? "Not managed here (assignments are never pruned, so that apply cannot take away its caller's access):"
          : "Not managed here (on the server, in no document; --prune deletes them):")
      lines += notManaged.map { "  \($0)" }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `2 to create, 1 to update, 1 to move, 1 to delete` (kinds of change that occur).
  public var countLine: String {
    let actions: [(ApplyChange.Action, String)] = [(.create, "to create"), (.update, "to update"), (.move, "to move"), (.delete, "to delete")]
    return actions.compactMap { action, label in
      let count = changes.filter { $0.action == action }.count
      return count == 0 ? nil : "\(count) \(label)"
    }.joined(separator: ", ")
  }
}
