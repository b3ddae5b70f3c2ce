/// The options of one invocation merged from the command line, the environment and a file:
/// the argument list to parse, and every option of the invoked command with its value and
/// where it came from (for `--print-config` and for naming the source of a bad value).
public struct ResolvedConfiguration: Sendable {
  /// Where an option's value came from.
  public enum Source: Sendable, Equatable, CustomStringConvertible {
    case flag
    case environment(variable: String)
    case file(path: String, line: Int)
    case defaultValue

    /// Whether the value joins the command line (it came from the environment or the file).
    public var isInjected: Bool {
      switch self {
      case .environment, .file: true
      case .flag, .defaultValue: false
      }
    }

    public var description: String {
      switch self {
      case .flag: "flag"
      case .environment(let variable): "env \(variable)"
      case .file(let path, let line): "file \(path):\(line)"
      case .defaultValue: "default"
      }
    }
  }

  /// One option of the invoked command.
  public struct Entry: Sendable, Equatable {
    public var option: OptionCatalog.Option
    /// Its values (a flag's is `true` or `false`); empty when unset.
    public var values: [String]
    public var source: Source
  }

  /// The arguments for the parser: the command line, then each option the environment or
  /// the file sets and the command line does not.
  public var arguments: [String]
  /// The invoked command's options, in the order of its help.
  public var entries: [Entry]
  /// The invoked subcommand's path (`["keys", "rotate"]`; empty for the root command).
  public var commandPath: [String]
  /// The configuration file read, if any.
  public var file: String?
  /// Whether `--print-config` was given.
  public var printRequested: Bool
  /// The variables among ``ConfigSources/otherVariables`` that are set.
  public var otherVariablesSet: [String]

  /// The entries set by the environment or the file (their values are in ``arguments``).
  public var injected: [Entry] {
    entries.filter(\.source.isInjected)
  }

  /// `message` (a parser's or a validation's error) with the source of each injected option
  /// it names: `The value 'x' is invalid for '--port <port>' (--port from env CLUSTERPOOL_PORT)`;
  /// nil when it names none.
  public func sourceNote(for message: String) -> String? {
    let named = injected.filter { Self.names(message, "--" + $0.option.key) }
    guard !named.isEmpty else { return nil }
    let notes = named.map { "--\($0.option.key) from \($0.source)" }
    return "\(message) (\(notes.joined(separator: "; ")))"
  }

  /// Whether `text` holds `name` as a whole option name (`--database` is not in
  /// `--database-password-file`).
  static func names(_ text: String, _ name: String) -> Bool {
    var rest = text[...]
    while let range = rest.range(of: name) {
      let next = rest[range.upperBound...].first
      if next == nil || !(next!.isLetter || next!.isNumber || next! == "-") { return true }
      rest = rest[range.upperBound...]
    }
    return false
  }
}
