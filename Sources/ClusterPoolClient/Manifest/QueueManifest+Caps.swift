internal import Yams

/// The caps of a queue manifest: `max_resources` (`{cpu: "4", memory: 16Gi}`) and
/// `max_accelerators` (`{nvidia-h100: 8, nvidia_gpu: 2}`), mappings in the CLI's spelling.
extension QueueManifest {
  static func resourceCaps(_ node: Node?) throws(ManifestError) -> [QueueResourceCap]? {
    try entries(node, "spec.max_resources").map { pairs throws(ManifestError) in
      do {
        return try QueueResourceCap.parseList(pairs.map { "\($0.0)=\($0.1)" })
      } catch {
        throw ManifestError("spec.max_resources: \(error)")
      }
    }
  }

  static func acceleratorCaps(_ node: Node?) throws(ManifestError) -> [QueueAcceleratorCap]? {
    try entries(node, "spec.max_accelerators").map { pairs throws(ManifestError) in
      do {
        return try QueueAcceleratorCap.parseList(pairs.map { "\($0.0)=\($0.1)" })
      } catch {
        throw ManifestError("spec.max_accelerators: \(error)")
      }
    }
  }

  /// A mapping of scalars as (key, value) pairs; nil when absent or null.
  private static func entries(_ node: Node?, _ key: String) throws(ManifestError) -> [(String, String)]? {
    guard let node, node.null == nil else { return nil }
    guard let mapping = node.mapping else { throw ManifestError("\(key) must be a mapping of NAME: VALUE") }
    return try mapping.map { (name, value) throws(ManifestError) in
      guard let name = name.scalar?.string.trimmingWhitespace(), let value = value.scalar?.string.trimmingWhitespace(),
        !name.isEmpty, !value.isEmpty, !name.contains(","), !value.contains(",")
      else { throw ManifestError("\(key) must be a mapping of NAME: VALUE") }
      return (name, value)
    }
  }

  /// A quantity as a YAML flow scalar (quoted, so `4` reads back as the string it is).
  static func quoted(_ text: String) -> String { DocumentValue.jsonString(text) }
}
