internal import Foundation

/// Asks on the terminal: shows the reason on standard error, then
/// `(r)etry, (s)ave to file, (a)bort? [r]` until it reads one of them from standard input
/// (an empty answer is retry, end of input is abort). Without a terminal on standard input it
/// answers `nil` without asking.
public struct TerminalRejectionPrompt: ManifestRejectionPrompt {
  /// A prompt on the process's standard streams.
  public init() {}

  public func choice(after problem: String) -> ManifestRejectionChoice? {
    guard isatty(STDIN_FILENO) != 0 else { return nil }
    Self.printError("Error: \(problem)")
    while true {
      Self.printError("(r)etry, (s)ave to file, (a)bort? [r] ", newline: false)
      guard let line = readLine() else { return .abort }
      if let choice = Self.parse(line) { return choice }
      Self.printError("Answer r, s or a.")
    }
  }

  /// The choice `answer` names, or `nil` for anything else (case and spaces ignored).
  public static func parse(_ answer: String) -> ManifestRejectionChoice? {
    switch answer.trimmingWhitespace().lowercased() {
    case "", "r", "retry": .retry
    case "s", "save": .saveToFile
    case "a", "abort": .abort
    default: nil
    }
  }

  private static func printError(_ text: String, newline: Bool = true) {
    FileHandle.standardError.write(Data((newline ? text + "\n" : text).utf8))
  }
}
