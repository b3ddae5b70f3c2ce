import ArgumentParser
import ClusterPoolClient

/// `flyte create api-key --name NAME [--skip-default-policy-assignments]`: the secret is shown
/// once, as `FLYTE_API_KEY`.
struct CreateAPIKey: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "api-key", abstract: "Create an API key (its secret is shown once, as FLYTE_API_KEY).")

  @Option(help: "Name of the API key (its client id is the name in lowercase, '-' between words).")
  var name: String

  @Flag(help: "Do not give the key the server's default policy; grant access with `flyte create assignment`.")
  var skipDefaultPolicyAssignments = false

  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      let key = try await APIKey.create(name: name, skipDefaultPolicyAssignments: skipDefaultPolicyAssignments, client: client)
      Terminal.write("Created API key \"\(key.clientID)\".\n")
      Terminal.write("The key is shown only this once; keep it safe:\n")
      Terminal.write("export FLYTE_API_KEY=\"\(key.encodedCredentials ?? "")\"\n")
    }
  }
}

/// `flyte get api-key [CLIENT_ID] [--limit N]`.
struct GetAPIKey: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "api-key", abstract: "List API keys, or show one.")

  @Argument(help: "The client id to show; without it, every key is listed.")
  var clientID: String?

  @Option(help: "List at most this many keys.")
  var limit = 100

  @OptionGroup var output: OutputOptions
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      let keys = if let clientID { [try await APIKey.get(clientID, client: client)] } else { try await APIKey.listAll(limit: limit, client: client) }
      Terminal.write(
        try IdentityOutput.render(
          keys, output.output, headers: ["CLIENT ID", "NAME"], row: { [$0.clientID, $0.name] },
          document: { ["client_id": $0.clientID, "name": $0.name, "organization": $0.organization] }, empty: "No API keys."))
    }
  }
}

/// `flyte delete api-key CLIENT_ID [--yes]`.
struct DeleteAPIKey: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "api-key", abstract: "Delete an API key: its secret stops working.")

  @Argument(help: "The client id of the key.")
  var clientID: String

  @Flag(name: [.short, .long], help: "Delete without asking for confirmation.")
  var yes = false

  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      try DeleteConfirmation.require("API key \"\(clientID)\"", yes: yes)
      try await APIKey.delete(clientID, client: client)
      Terminal.write("Deleted API key \"\(clientID)\".\n")
    }
  }
}
