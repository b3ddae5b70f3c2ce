/// Where a document or key of `flyte apply`'s files is: the file (`-` for standard input)
/// and the line, from 1.
public struct SourcePlace: Sendable, Hashable, CustomStringConvertible {
  /// The file as it was named (a path, or `-`).
  public var file: String
  /// The line, from 1.
  public var line: Int

  /// Creates a place.
  public init(file: String, line: Int) {
    self.file = file
    self.line = line
  }

  /// `FILE:LINE`.
  public var description: String { "\(file):\(line)" }
}

/// Documents that cannot be applied, found before anything is sent: each problem names its
/// file and line (when it has one) and what to do.
public struct ApplyError: Error, Sendable, Hashable, CustomStringConvertible {
  /// One problem of the documents.
  public struct Problem: Sendable, Hashable, CustomStringConvertible {
    /// Where it is; `nil` for a problem of no one place (an unreadable folder).
    public var place: SourcePlace?
    /// What is wrong.
    public var message: String

    /// Creates a problem.
    public init(_ place: SourcePlace?, _ message: String) {
      self.place = place
      self.message = message
    }

    /// `FILE:LINE: message`.
    public var description: String { place.map { "\($0): \(message)" } ?? message }
  }

  /// Every problem found, in the order of the files.
  public var problems: [Problem]

  /// Creates an error of `problems`.
  public init(_ problems: [Problem]) { self.problems = problems }

  /// One problem per line.
  public var description: String { problems.map(\.description).joined(separator: "\n") }
}
