internal import Yams

/// A YAML configuration file: a flat mapping of option names to values (`port: 8089`,
/// `oidc-issuer: https://...`, a list for an option given more than once), each value with its
/// line. A `null` (or empty) value leaves the option unset.
public struct ConfigFile: Sendable {
  /// One key's values as the parser takes them (a flag's is `true` or `false`).
  public struct Entry: Sendable, Equatable {
    public var key: String
    public var values: [String]
    public var line: Int
  }

  /// The file's path, as given.
  public var path: String
  /// The keys in file order.
  public var entries: [Entry]

  /// Reads `text` as the contents of the file `path` (only named in errors).
  public init(path: String, text: String) throws(ConfigError) {
    self.path = path
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch {
      throw ConfigError("\(path): not YAML: \(error)")
    }
    guard let root else {
      entries = []
      return
    }
    guard case .mapping(let mapping) = root else {
      throw ConfigError("\(path):\(root.mark?.line ?? 1): the top level must map option names to values (port: 8089)")
    }
    var entries: [Entry] = []
    for (keyNode, value) in mapping {
      let line = keyNode.mark?.line ?? 0
      guard case .scalar(let keyScalar) = keyNode else {
        throw ConfigError("\(path):\(line): a key must be an option name")
      }
      let key = keyScalar.string  // a key given twice is Yams' error
      switch value {
      case .scalar(let scalar):
        if Self.isNull(scalar) { continue }
        entries.append(Entry(key: key, values: [scalar.string], line: line))
      case .sequence(let sequence):
        var values: [String] = []
        for item in sequence {
          guard case .scalar(let scalar) = item else {
            throw ConfigError("\(path):\(item.mark?.line ?? line): '\(key)': a list item must be a single value")
          }
          values.append(scalar.string)
        }
        entries.append(Entry(key: key, values: values, line: line))
      case .mapping:
        throw ConfigError("\(path):\(line): '\(key)' takes a value, not a mapping (keys are flat: the option names)")
      case .alias:
        throw ConfigError("\(path):\(line): '\(key)': aliases are not supported")
      }
    }
    self.entries = entries
  }

  private static func isNull(_ scalar: Node.Scalar) -> Bool {
    scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
  }
}
