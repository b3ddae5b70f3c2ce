import ClusterPoolClient
import Foundation

/// Output of the identity nouns: a table, JSON (`-o json`, `json-raw`), or YAML for the nouns
/// `flyte apply` manages (roles, policies, assignments: its documents, given as `yaml`).
enum IdentityOutput {
  static func render<Item>(
    _ items: [Item], _ format: OutputFormat, headers: [String], row: (Item) -> [String], document: (Item) -> [String: Any],
    empty: String, yaml: (([Item]) throws -> String)? = nil
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
      guard let yaml else { throw CLIError("-o yaml is offered for roles, policies and assignments only: use -o json") }
      return try yaml(items)
    }
  }
}
