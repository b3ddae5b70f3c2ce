import ArgumentParser
import ClusterPoolClient

/// `flyte create policy NAME --file FILE`.
struct CreatePolicy: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "policy", abstract: "Create a policy from a YAML file (name, description, bindings).")

  @Argument var name: String
  @Option(help: "The policy's YAML file: description and bindings (`- role: R` with an optional resource).") var file: String
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      let object = try IdentityFile.load(file)
      try await Policy.create(
        name, description: object["description"] as? String ?? "", bindings: try IdentityFile.bindings(object, file), client: client)
      Terminal.write("Created policy \"\(name)\".\n")
    }
  }
}

/// `flyte update policy NAME --file FILE`: the policy's bindings become the file's.
struct UpdatePolicy: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "policy", abstract: "Set a policy's bindings to those of a YAML file.")

  @Argument var name: String
  @Option(help: "A YAML file whose bindings the policy is to hold.") var file: String
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      try await Policy.update(name, bindings: try IdentityFile.bindings(try IdentityFile.load(file), file), client: client)
      Terminal.write("Updated policy \"\(name)\".\n")
    }
  }
}

/// `flyte get policy [NAME]`.
struct GetPolicy: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "policy", abstract: "List policies, or show one.")

  @Argument var name: String?
  @Option(help: "List at most this many policies.") var limit = 100
  @OptionGroup var output: OutputOptions
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      let policies = if let name { [try await Policy.get(name, client: client)] } else { try await Policy.listAll(limit: limit, client: client) }
      Terminal.write(
        try IdentityOutput.render(
          policies, output.output, headers: ["NAME", "DESCRIPTION", "BINDINGS"],
          row: { [$0.name, $0.description, $0.bindings.map { "\($0.role) on \($0.resource)" }.joined(separator: "; ")] },
          document: { policy in
            ["name": policy.name, "organization": policy.organization, "description": policy.description,
             "bindings": policy.bindings.map { ["role": $0.role, "resource": $0.resource.description] }]
          }, empty: "No policies.",
          yaml: { try IdentityDocument.yaml($0, list: name == nil) }))
    }
  }
}

/// `flyte delete policy NAME [--yes]`.
struct DeletePolicy: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "policy", abstract: "Delete a custom policy no identity is given.")

  @Argument var name: String
  @Flag(name: [.short, .long], help: "Delete without asking for confirmation.") var yes = false
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      try DeleteConfirmation.require("policy \"\(name)\"", yes: yes)
      try await Policy.delete(name, client: client)
      Terminal.write("Deleted policy \"\(name)\".\n")
    }
  }
}
