import ArgumentParser
import ClusterPoolClient
import Foundation
import Yams

/// A role or policy file: YAML with `name`, `description` and `actions` (roles) or `bindings`
/// (policies: `- role: R` with an optional `resource:` of `domain`, `project` or `cluster`), as
/// the official CLI writes and reads them.
enum IdentityFile {
  static func load(_ path: String) throws -> [String: Any] {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw CLIError("cannot read \(path): \(error.localizedDescription)") }
    guard let object = try Yams.load(yaml: text) as? [String: Any] else { throw CLIError("\(path) is not a YAML mapping") }
    return object
  }

  static func bindings(_ object: [String: Any], _ path: String) throws -> [Policy.Binding] {
    try (object["bindings"] as? [Any] ?? []).map { entry in
      guard let entry = entry as? [String: Any], let role = entry["role"] as? String else {
        throw CLIError("\(path): every binding needs a role")
      }
      let resource = entry["resource"] as? [String: Any] ?? [:]
      if let cluster = resource["cluster"] as? String { return Policy.Binding(role: role, resource: .cluster(cluster)) }
      if let project = resource["project"] as? String {
        return Policy.Binding(role: role, resource: .project(domain: resource["domain"] as? String ?? "", name: project))
      }
      if let domain = resource["domain"] as? String { return Policy.Binding(role: role, resource: .domain(domain)) }
      return Policy.Binding(role: role)
    }
  }
}

/// `flyte create role NAME --file FILE`.
struct CreateRole: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "role", abstract: "Create a role from a YAML file (name, description, actions).")

  @Argument var name: String
  @Option(help: "The role's YAML file: description and actions (e.g. ACTION_MANAGE_CLUSTER).") var file: String
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      let object = try IdentityFile.load(file)
      try await Role.create(
        name, description: object["description"] as? String ?? "", actions: object["actions"] as? [String] ?? [], client: client)
      Terminal.write("Created role \"\(name)\".\n")
    }
  }
}

/// `flyte update role NAME --file FILE`: the role's actions become the file's.
struct UpdateRole: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "role", abstract: "Set a role's actions to those of a YAML file.")

  @Argument var name: String
  @Option(help: "A YAML file whose actions the role is to grant.") var file: String
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      try await Role.update(name, actions: IdentityFile.load(file)["actions"] as? [String] ?? [], client: client)
      Terminal.write("Updated role \"\(name)\".\n")
    }
  }
}

/// `flyte get role [NAME]`.
struct GetRole: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "role", abstract: "List roles, or show one.")

  @Argument var name: String?
  @Option(help: "List at most this many roles.") var limit = 100
  @OptionGroup var output: OutputOptions
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      let roles = if let name { [try await Role.get(name, client: client)] } else { try await Role.listAll(limit: limit, client: client) }
      Terminal.write(
        try IdentityOutput.render(
          roles, output.output, headers: ["NAME", "TYPE", "DESCRIPTION", "ACTIONS"],
          row: { [$0.name, $0.roleType, $0.description, name == nil ? String($0.actions.count) : $0.actions.joined(separator: ", ")] },
          document: { ["name": $0.name, "organization": $0.organization, "description": $0.description, "role_type": $0.roleType,
                       "actions": $0.actions] }, empty: "No roles.",
          yaml: { try IdentityDocument.yaml($0, list: name == nil) }))
    }
  }
}

/// `flyte delete role NAME [--yes]`.
struct DeleteRole: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "role", abstract: "Delete a custom role no policy or identity uses.")

  @Argument var name: String
  @Flag(name: [.short, .long], help: "Delete without asking for confirmation.") var yes = false
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      try DeleteConfirmation.require("role \"\(name)\"", yes: yes)
      try await Role.delete(name, client: client)
      Terminal.write("Deleted role \"\(name)\".\n")
    }
  }
}
