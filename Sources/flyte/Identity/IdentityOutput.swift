import ClusterPoolClient
import Foundation

/// Output of the identity nouns: a table, or JSON (`-o json`, `json-raw`; YAML is not offered).
enum IdentityOutput {
  static func render<Item>(
    _ items: [Item], _ format: OutputFormat, headers: [String], row: (Item) -> [String], document: (Item) -> [String: Any],
    empty: String
  ) throws -> String {
    switch format {
    case .table, .tableSimple:
      if items.isEmpty { return empty + "\n" }
      var table = TextTable(headers: headers)
      for item in items { table.append(row(item)) }
      return table.render()
    case .json, .jsonRaw:
      let data = try JSONSerialization.data(withJSONObject: items.map(document), options: [.prettyPrinted, .sortedKeys])
      return String(decoding: data, as: UTF8.self) + "\n"
    case .yaml:
      throw CLIError("-o yaml is not offered for identity objects: use -o json")
    }
  }
}
