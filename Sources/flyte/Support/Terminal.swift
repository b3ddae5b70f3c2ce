import Foundation

/// Standard streams: error lines, prompts, and whether a person is there to answer.
enum Terminal {
  /// Writes `line` and a newline to standard error.
  static func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }

  /// Writes `text` to standard output as it is.
  static func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  /// Whether standard input is a terminal.
  static var isInteractive: Bool { isatty(STDIN_FILENO) != 0 }

  /// Asks `question` on standard error and reads a yes/no answer (default no).
  static func confirm(_ question: String) -> Bool {
    FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
    guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
    return answer == "y" || answer == "yes"
  }
}
