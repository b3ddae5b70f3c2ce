extension ConfigSources {
  /// Merges the command line, the environment and the file named by `--config` (or
  /// `PREFIX_CONFIG`) for the command the arguments invoke; an empty variable leaves its
  /// option unset. An unknown key or variable, a flag with a value other than true or false,
  /// or a list for a single-valued option is an error naming the file and line or the variable.
  public func resolve(_ catalog: OptionCatalog) throws(ConfigError) -> ResolvedConfiguration {
    let commandLine = scan(catalog)
    let known = catalog.allKeys.subtracting([fileOption, printOption])
    let fromEnvironment = try environmentValues(known: known)
    var filePath = fromEnvironment.file
    if let given = commandLine.values[fileOption]?.last { filePath = given }
    let file = try filePath.map { path throws(ConfigError) in try read(path, known: known) }

    let skipped = (notFromConfiguration[commandLine.path] ?? []).union([fileOption, printOption])
    var entries: [ResolvedConfiguration.Entry] = []
    var injected: [String] = []
    for option in commandLine.command.options {
      let entry: ResolvedConfiguration.Entry
      if let values = commandLine.values[option.key] {
        entry = .init(option: option, values: values, source: .flag)
      } else if skipped.contains(option.key) {
        entry = Self.defaultEntry(option)
      } else if let (variable, value) = fromEnvironment.values[option.key] {
        let values = try Self.values([value], of: option, at: "\(variable)")
        entry = .init(option: option, values: values, source: .environment(variable: variable))
      } else if let file, let found = file.entries.first(where: { $0.key == option.key }) {
        let values = try Self.values(found.values, of: option, at: "\(file.path):\(found.line)")
        entry = .init(option: option, values: values, source: .file(path: file.path, line: found.line))
      } else {
        entry = Self.defaultEntry(option)
      }
      if entry.source.isInjected { injected += Self.arguments(entry) }
      if !skipped.contains(option.key) { entries.append(entry) }
    }
    var arguments = arguments
    let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
    arguments.insert(contentsOf: injected, at: end)
    return ResolvedConfiguration(
      arguments: arguments, entries: entries, commandPath: commandLine.path, file: file?.path,
      printRequested: commandLine.values[printOption] == ["true"],
      otherVariablesSet: otherVariables.filter { environment[$0] != nil }.sorted())
  }

  /// The options the command line gives, and the command it invokes.
  private func scan(_ catalog: OptionCatalog) -> (command: OptionCatalog.Command, path: [String], values: [String: [String]]) {
    var stack = [catalog.root]
    var path: [String] = []
    var values: [String: [String]] = [:]
    var index = 0
    func option(_ name: String) -> (OptionCatalog.Option, inverted: Bool)? {
      for command in stack.reversed() {
        for option in command.options {
          if option.key == name { return (option, false) }
          if option.inversion == name { return (option, true) }
        }
      }
      return nil
    }
    while index < arguments.count, arguments[index] != "--" {
      let argument = arguments[index]
      index += 1
      if argument.hasPrefix("--") {
        let parts = argument.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard let (found, inverted) = option(String(parts[0])) else { continue }
        if found.isFlag {
          values[found.key] = [inverted ? "false" : "true"]
        } else {
          let value: String?
          if parts.count == 2 {
            value = String(parts[1])
          } else if index < arguments.count {
            value = arguments[index]
            index += 1
          } else {
            value = nil
          }
          if let value { values[found.key] = (found.isRepeating ? values[found.key] ?? [] : []) + [value] }
        }
      } else if !argument.hasPrefix("-"), let sub = stack.last!.subcommand(argument) {
        stack.append(sub)
        path.append(argument)
      }
    }
    return (stack.last!, path, values)
  }

  /// The options the environment sets, and the configuration file it names.
  private func environmentValues(known: Set<String>) throws(ConfigError) -> (values: [String: (String, String)], file: String?) {
    var byVariable: [String: String] = [:]
    for key in known { byVariable[variable(for: key)] = key }
    var values: [String: (String, String)] = [:]
    var unknown: [String] = []
    for (name, value) in environment where name.hasPrefix(prefix) {
      if let key = byVariable[name] {
        if !value.isEmpty { values[key] = (name, value) }  // empty is unset, as in most deployments' templates
      } else if name != variable(for: fileOption), !otherVariables.contains(name), !ignoredPrefixes.contains(where: { name.hasPrefix($0) }) {
        unknown.append(name)
      }
    }
    guard unknown.isEmpty else {
      let lines = unknown.sorted().map { name in
        let asKey = name.dropFirst(prefix.count).lowercased().replacing("_", with: "-")
        let hint = KeySuggestion.closest(to: asKey, among: known).map { "; did you mean \(variable(for: $0))?" } ?? ""
        return "environment variable \(name): unknown option --\(asKey)\(hint)"
      }
      throw ConfigError(lines.joined(separator: "\n"))
    }
    return (values, environment[variable(for: fileOption)].flatMap { $0.isEmpty ? nil : $0 })
  }

  /// The configuration file, its keys checked against `known`.
  private func read(_ path: String, known: Set<String>) throws(ConfigError) -> ConfigFile {
    let text: String
    do {
      text = try readFile(path)
    } catch {
      throw ConfigError("cannot read the configuration file \(path): \(error)")
    }
    let file = try ConfigFile(path: path, text: text)
    let unknown = file.entries.filter { !known.contains($0.key) }
    guard unknown.isEmpty else {
      let lines = unknown.map { entry in
        let hint = KeySuggestion.closest(to: entry.key, among: known).map { "; did you mean '\($0)'?" } ?? ""
        return "\(path):\(entry.line): unknown key '\(entry.key)'\(hint)"
      }
      throw ConfigError(lines.joined(separator: "\n"))
    }
    return file
  }

  private static func defaultEntry(_ option: OptionCatalog.Option) -> ResolvedConfiguration.Entry {
    let values = option.defaultValue.map { [$0] } ?? (option.isFlag ? ["false"] : [])
    return .init(option: option, values: values, source: .defaultValue)
  }

  /// `values` of `option` checked for their shape (a flag's normalized to true or false).
  private static func values(_ values: [String], of option: OptionCatalog.Option, at place: String) throws(ConfigError) -> [String] {
    if option.isFlag {
      guard values.count == 1, let value = flagValue(values[0]) else {
        throw ConfigError("\(place): \(option.key) is a flag: true or false, not '\(values.joined(separator: ", "))'")
      }
      return [value ? "true" : "false"]
    }
    guard values.count == 1 || option.isRepeating else {
      throw ConfigError("\(place): --\(option.key) takes one value, not a list of \(values.count)")
    }
    return values
  }

  private static func flagValue(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "true", "yes", "on", "1": true
    case "false", "no", "off", "0": false
    default: nil
    }
  }

  /// The parser arguments that give `entry`.
  private static func arguments(_ entry: ResolvedConfiguration.Entry) -> [String] {
    if entry.option.isFlag {
      if entry.values == ["true"] { return ["--" + entry.option.key] }
      return entry.option.inversion.map { ["--" + $0] } ?? []
    }
    // `--key=value`: a value starting with a dash is not taken for an option
    return entry.values.map { "--\(entry.option.key)=\($0)" }
  }
}
