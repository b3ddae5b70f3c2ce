extension ClusterPoolManifest {
  /// The manifest as YAML, in the key order of the user docs.
  public func yaml() -> String {
    var lines: [String] = []
    if let name { lines.append("name: \(Self.scalar(name))") }
    lines += [
      "config:",
      "  object_store_ref:",
      "    uri: \(Self.scalar(config.objectStoreURI))",
      "    endpoint: \(Self.scalar(config.objectStoreEndpoint))",
      "  secret_store:",
      "    type: \(Self.scalar(config.secretStoreType?.rawValue ?? ""))",
      "    locator: \(Self.scalar(config.secretStoreLocator))",
      "  image_registry:",
      "    locator: \(Self.scalar(config.imageRegistry))",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  /// The commented help put above a manifest in the editor: the keys and the valid values.
  public static func editorHelp(action: String) -> String {
    """
    # \(action)
    # Lines starting with '#' are ignored. Save and quit to apply; quit without changes,
    # or empty the file, to abort.
    #
    #   name                              the pool's name: 1-63 of a-z, 0-9, '-'
    #   config.object_store_ref.uri       required: s3://, gs://, abfs://, abfss://, az://, oci://
    #                                     or file:// URI of the shared bucket, e.g. s3://bucket/prefix
    #   config.object_store_ref.endpoint  optional: http(s) URL of an S3-compatible endpoint
    #   config.secret_store.type          required, one of:
    #       \(SecretStoreType.validNames)
    #   config.secret_store.locator       optional: where in the store, e.g. an AWS region
    #   config.image_registry.locator     optional: registry host[:port][/path]

    """
  }

  /// The text `--edit` opens for a new pool: help, then an empty manifest named `name`.
  public static func creationTemplate(name: String?) -> String {
    editorHelp(action: "New cluster pool\(name.map { " \"\($0)\"" } ?? ""): fill in its data-plane contract.")
      + ClusterPoolManifest(name: name ?? "", config: ClusterPoolConfig()).yaml()
  }

  /// A YAML scalar: plain when that reads back as the same string, else double-quoted.
  static func scalar(_ value: String) -> String {
    let plainCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@-+=")
    let keywords: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"]
    let isPlain =
      !value.isEmpty && value.allSatisfy(plainCharacters.contains) && !"-:@".contains(value.first!)
      && !keywords.contains(value.lowercased()) && Double(value) == nil && !value.contains(": ")
      && !value.hasSuffix(":") && !value.hasPrefix("0x") && !value.hasPrefix("0o")
    if isPlain { return value }
    var quoted = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": quoted += "\\\""
      case "\\": quoted += "\\\\"
      case "\n": quoted += "\\n"
      case "\t": quoted += "\\t"
      case "\r": quoted += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          quoted += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
            + String(scalar.value, radix: 16)
        } else {
          quoted.unicodeScalars.append(scalar)
        }
      }
    }
    return quoted + "\""
  }
}
