/// Columns of text aligned under upper-case headers, separated by three spaces, in the
/// style of `kubectl get`.
public struct TextTable: Sendable {
  /// The column headers.
  public var headers: [String]
  /// The rows; each has one cell per header.
  public var rows: [[String]] = []

  /// A table with `headers` and no rows.
  public init(headers: [String]) { self.headers = headers }

  /// Adds a row (missing cells are blank, extra ones dropped).
  public mutating func append(_ row: [String]) {
    rows.append((0..<headers.count).map { $0 < row.count ? row[$0] : "" })
  }

  /// The rendered table, one line per row after the header, each ending in a newline.
  public func render() -> String {
    let all = [headers] + rows.map { $0.map(Self.singleLine) }
    let widths = headers.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    return all.map { row in
      row.indices.map { column in
        column == row.count - 1 ? row[column] : row[column].padding(to: widths[column])
      }.joined(separator: "   ")
      .trimmingTrailingSpaces()
    }.joined(separator: "\n") + "\n"
  }

  private static func singleLine(_ cell: String) -> String {
    String(cell.map { $0.isNewline || $0 == "\t" ? " " : $0 })
  }
}

extension String {
  func padding(to width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }

  func trimmingTrailingSpaces() -> String {
    var copy = self
    while copy.last == " " { copy.removeLast() }
    return copy
  }
}
