public import ArgumentParser

#if canImport(FoundationEssentials)
  internal import FoundationEssentials
#else
  internal import Foundation
#endif

/// Every option and flag of a command tree, read from swift-argument-parser's own description
/// of it (the `--experimental-dump-help` document): the keys a configuration file or the
/// environment may set are exactly the command's options, with no list kept by hand, so an
/// option added to any option group is settable from both at once.
public struct OptionCatalog: Sendable {
  /// One option (`--port <port>`) or flag (`--enable-test-service`) of a command.
  public struct Option: Sendable, Equatable {
    /// The long name without dashes (`port`): the key in a file, and the environment variable's
    /// name once upper-cased with `_` for `-`.
    public var key: String
    /// A flag takes no value (`true` or `false` in a file or variable).
    public var isFlag: Bool
    /// Given more than once, each value counts (a list in a file).
    public var isRepeating: Bool
    /// The default as the help shows it (a flag's `true` or `false`); nil when the option has none.
    public var defaultValue: String?
    /// The help section (`@OptionGroup(title:)`); nil for the command's own options.
    public var section: String?
    /// A flag's `--no-` name, if it has one.
    public var inversion: String?
  }

  /// One command and its subcommands.
  public struct Command: Sendable {
    public var name: String
    public var options: [Option]
    public var subcommands: [Command]

    /// The subcommand called `name`.
    public func subcommand(_ name: String) -> Command? { subcommands.first { $0.name == name } }
  }

  /// Options never taken from a file or the environment: those of the parser itself.
  public static let builtInKeys: Set<String> = ["help", "version", "experimental-dump-help", "generate-completion-script"]

  /// The root command.
  public var root: Command

  public init(root: Command) { self.root = root }

  /// The catalog of `command`'s tree, from its `--experimental-dump-help` document.
  public init(of command: any ParsableCommand.Type) throws(ConfigError) {
    let document: String
    do {
      _ = try command.parseAsRoot(["--experimental-dump-help"])
      throw ConfigError("swift-argument-parser gave no --experimental-dump-help document")
    } catch let error as ConfigError {
      throw error
    } catch {
      document = command.fullMessage(for: error)
    }
    do {
      let info = try JSONDecoder().decode(DumpedHelp.self, from: Data(document.utf8))
      self.init(root: Self.command(info.command))
    } catch {
      throw ConfigError("cannot read the options of \(command._commandName): \(error)")
    }
  }

  private static func command(_ info: DumpedHelp.Command) -> Command {
    var options: [Option] = []
    for argument in info.arguments ?? [] where argument.kind != "positional" {
      let long = (argument.names ?? []).filter { $0.kind == "long" }.map(\.name)
      guard let key = long.first, !builtInKeys.contains(key) else { continue }
      let isFlag = argument.kind == "flag"
      let inversion = isFlag ? long.dropFirst().first { $0 == "no-" + key } : nil
      options.append(
        Option(
          key: key, isFlag: isFlag, isRepeating: argument.isRepeating, defaultValue: argument.defaultValue,
          section: argument.sectionTitle, inversion: inversion))
      // an enumerated flag (`--fast`, `--slow`) is one argument with several names: one key each
      if isFlag, inversion == nil {
        for other in long.dropFirst() {
          options.append(Option(key: other, isFlag: true, isRepeating: false, defaultValue: nil, section: argument.sectionTitle))
        }
      }
    }
    // `--color/--no-color` may come as two names of one argument or as two arguments: one key
    for (index, option) in options.enumerated() where option.isFlag && option.key.hasPrefix("no-") {
      guard let positive = options.firstIndex(where: { $0.isFlag && $0.key == option.key.dropFirst(3) }) else { continue }
      options[positive].inversion = option.key
      options[positive].defaultValue = options[positive].defaultValue ?? option.defaultValue
      options[index].key = ""
    }
    options.removeAll { $0.key.isEmpty }
    // a flag's default is shown as the name it defaults to (`--color`): true or false here
    for index in options.indices where options[index].isFlag {
      options[index].defaultValue = options[index].defaultValue == "--" + options[index].key ? "true" : "false"
    }
    return Command(name: info.commandName, options: options, subcommands: (info.subcommands ?? []).map(command))
  }

  /// Every key of every command of the tree (the keys a file or the environment may name).
  public var allKeys: Set<String> {
    var keys: Set<String> = []
    func visit(_ command: Command) {
      for option in command.options { keys.insert(option.key) }
      command.subcommands.forEach(visit)
    }
    visit(root)
    return keys
  }
}

extension OptionCatalog.Option {
  public init(key: String, isFlag: Bool = false, isRepeating: Bool = false, defaultValue: String? = nil, section: String? = nil) {
    self.init(key: key, isFlag: isFlag, isRepeating: isRepeating, defaultValue: defaultValue, section: section, inversion: nil)
  }
}

/// The part of swift-argument-parser's `--experimental-dump-help` document (its `ToolInfoV0`,
/// serialization version 0) that names the options.
struct DumpedHelp: Decodable {
  struct Command: Decodable {
    var commandName: String
    var subcommands: [Command]?
    var arguments: [Argument]?
  }

  struct Argument: Decodable {
    struct Name: Decodable {
      var kind: String
      var name: String
    }

    var kind: String
    var names: [Name]?
    var isRepeating: Bool
    var defaultValue: String?
    var sectionTitle: String?
  }

  var command: Command
}
