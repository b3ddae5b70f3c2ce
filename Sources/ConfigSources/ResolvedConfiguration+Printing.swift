extension ResolvedConfiguration {
  /// The effective configuration as YAML that `--config` reads back: every option of the
  /// invoked command, its section, and where its value came from; secrets masked
  /// (``SecretMask``), so a masked value must be set again where it is used.
  public func rendered(command: String) -> String {
    var lines = [
      "# \(([command] + commandPath).joined(separator: " ")): effective configuration",
      "# precedence: flag > env (CLUSTERPOOL_*) > file > default",
    ]
    if let file { lines.append("# configuration file: \(file)") }
    for variable in otherVariablesSet { lines.append("# \(variable) is set (not shown)") }
    var section: String?? = .none
    for entry in entries {
      if section != .some(entry.option.section) {
        section = .some(entry.option.section)
        lines.append("")
        lines.append("# \(entry.option.section ?? "Options")")
      }
      let key = entry.option.key
      let source = entry.values.isEmpty && entry.source == .defaultValue ? "default (unset)" : "\(entry.source)"
      if entry.option.isRepeating && !entry.values.isEmpty {
        lines.append("\(key):  # \(source)")
        for value in entry.values { lines.append("  - \(Self.yaml(SecretMask.masked(value, key: key), flag: false))") }
      } else {
        let value = entry.values.last.map { Self.yaml(SecretMask.masked($0, key: key), flag: entry.option.isFlag) } ?? "null"
        lines.append("\(key): \(value)  # \(source)")
      }
    }
    return lines.joined(separator: "\n")
  }

  /// A YAML scalar: integers and flags plain, anything else double-quoted (JSON escapes).
  static func yaml(_ value: String, flag: Bool) -> String {
    if flag || (!value.isEmpty && value.allSatisfy(\.isASCII) && Int(value) != nil) { return value }
    var quoted = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": quoted += "\\\""
      case "\\": quoted += "\\\\"
      case "\n": quoted += "\\n"
      case "\t": quoted += "\\t"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F: quoted += "\\x" + String(scalar.value, radix: 16).leftPadded(2)
      default: quoted.unicodeScalars.append(scalar)
      }
    }
    return quoted + "\""
  }
}

extension String {
  fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
