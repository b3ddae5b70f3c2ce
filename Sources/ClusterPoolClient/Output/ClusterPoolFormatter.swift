internal import ClusterPoolProto
internal import Foundation

/// Renders pools for people (tables) and programs (JSON, YAML).
public enum ClusterPoolFormatter {
  /// A list of pools: a table of NAME, MEMBER CLUSTERS, OBJECT STORE, SECRET STORE, IMAGE
  /// REGISTRY (plus DELETED AT for deleted pools) under a title naming the organization (the
  /// client's `organization`, else the pools'), or a JSON array / YAML sequence.
  public static func list(_ pools: [ClusterPool], format: OutputFormat, organization: String = "") throws -> String {
    switch format {
    case .table, .tableSimple:
      let deleted = pools.contains { $0.isDeleted }
      var table = TextTable(
        headers: ["NAME", "MEMBER CLUSTERS", "OBJECT STORE", "SECRET STORE", "IMAGE REGISTRY"]
          + (deleted ? ["DELETED AT"] : []))
      for pool in pools {
        table.append(
          [
            pool.name, dash(pool.memberClusters.joined(separator: ",")), dash(pool.objectStoreURI),
            dash(secretStore(pool.config)), dash(pool.imageRegistry),
          ] + (deleted ? [pool.deletedAt.map(timestamp) ?? "-"] : []))
      }
      return OrganizationTitle.titled(
        table.render(), "Cluster pools", organization: organization, reported: pools.map(\.organization), format: format)
    case .json:
      return DocumentValue.array(pools.map(ClusterPoolDocument.value)).json()
    case .jsonRaw:
      return DocumentValue.array(try pools.map(raw)).json()
    case .yaml:
      return try DocumentValue.yamlStream(pools.map { DocumentValue.kinded("ClusterPool", ClusterPoolDocument.value($0)) })
    }
  }

  /// One pool: labelled lines with its config and member clusters under a title naming its
  /// organization, or a JSON object / YAML mapping (which `--file` accepts back).
  public static func detail(_ pool: ClusterPool, format: OutputFormat, organization: String = "") throws -> String {
    switch format {
    case .table, .tableSimple:
      var lines: [(String, String)] = [
        ("Name", pool.name),
        ("Organization", dash(pool.organization)),
        ("Object store", dash(pool.objectStoreURI)),
        ("Object store endpoint", dash(pool.objectStoreEndpoint)),
        ("Secret store", dash(pool.secretStoreType?.rawValue ?? "")),
        ("Secret store locator", dash(pool.secretStoreLocator)),
        ("Image registry", dash(pool.imageRegistry)),
        ("Member clusters", pool.memberClusters.isEmpty ? "(none)" : pool.memberClusters.joined(separator: ", ")),
      ]
      if let deletedAt = pool.deletedAt { lines.append(("Deleted at", timestamp(deletedAt))) }
      if let createdBy = pool.createdBy { lines.append(("Created by", createdBy)) }
      if let updatedBy = pool.updatedBy { lines.append(("Updated by", updatedBy)) }
      let width = lines.map(\.0.count).max()! + 3  // label, colon, two spaces
      let body = lines.map { "\(($0.0 + ":").padding(to: width))\($0.1)" }.joined(separator: "\n") + "\n"
      return OrganizationTitle.titled(
        body, "Cluster pool \(pool.name)", organization: organization, reported: [pool.organization], format: format)
    case .json:
      return ClusterPoolDocument.value(pool).json()
    case .jsonRaw:
      return DocumentValue.array([try raw(pool)]).json()
    case .yaml:
      return try DocumentValue.kinded("ClusterPool", ClusterPoolDocument.value(pool)).yaml()
    }
  }

  /// The protobuf JSON mapping of the pool's message, as the official CLI prints it.
  static func raw(_ pool: ClusterPool) throws -> DocumentValue {
    guard let message = pool.message else { throw NoServerMessageError(resource: "pool \(pool.name)") }
    return try .protoJSON(message.decode(as: Cloudidl.Clusterpool.ClusterPool.self))
  }

  /// `AWS_SECRETS_MANAGER (us-east-1)`, the type alone, or empty.
  static func secretStore(_ config: ClusterPoolConfig) -> String {
    let type = config.secretStoreType?.rawValue ?? ""
    guard !config.secretStoreLocator.isEmpty else { return type }
    return type.isEmpty ? config.secretStoreLocator : "\(type) (\(config.secretStoreLocator))"
  }

  /// RFC 3339 in UTC, e.g. `2026-11-25T13:00:00Z`.
  static func timestamp(_ date: Date) -> String {
    date.formatted(.iso8601)
  }

  private static func dash(_ text: String) -> String { text.isEmpty ? "-" : text }
}
