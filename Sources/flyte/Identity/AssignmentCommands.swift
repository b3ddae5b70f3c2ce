import ArgumentParser
import ClusterPoolClient

/// The identity an assignment command names: exactly one of --user-subject, --creds-subject
/// (an API key's client id) and --email (a user found by email), as the official CLI takes them.
struct IdentitySelector: ParsableArguments {
  @Option(help: "User subject identifier.") var userSubject: String?
  @Option(help: "Client credentials application subject (an API key's client id).") var credsSubject: String?
  @Option(help: "User email for lookup.") var email: String?

  var given: Int { [userSubject, credsSubject, email].compactMap { $0 }.count }

  func validate() throws {
    if given > 1 { throw ValidationError("give one of --user-subject, --creds-subject or --email") }
  }

  func identity(_ client: ControlPlaneClient) async throws -> Assignment.Identity {
    if let userSubject { return .user(userSubject) }
    if let credsSubject { return .application(credsSubject) }
    guard let email else { throw CLIError("give one of --user-subject, --creds-subject or --email") }
    let users = try await User.listAll(email: email, client: client)
    guard users.count == 1, let user = users.first else {
      throw CLIError(users.isEmpty ? "no user has the email \(email)" : "several users have the email \(email)")
    }
    return .user(user.subject)
  }
}

/// `flyte create assignment (--user-subject S | --creds-subject C | --email E) --policy P`.
struct CreateAssignment: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "assignment", abstract: "Give a user or an API key a policy.")

  @OptionGroup var who: IdentitySelector
  @Option(help: "Policy name to assign.") var policy: String
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      let identity = try await who.identity(client)
      try await Assignment.create(identity, policy: policy, client: client)
      Terminal.write("Gave policy \"\(policy)\" to \(identity).\n")
    }
  }
}

/// `flyte get assignment [--user-subject S | --creds-subject C | --email E]`.
struct GetAssignment: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "assignment", abstract: "Show what a user or API key is given, or every assignment.")

  @OptionGroup var who: IdentitySelector
  @OptionGroup var output: OutputOptions
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      let assignments = who.given == 0
        ? try await Assignment.listAll(client: client) : [try await Assignment.get(try await who.identity(client), client: client)]
      Terminal.write(
        try IdentityOutput.render(
          assignments, output.output, headers: ["TYPE", "SUBJECT", "ROLES", "POLICIES"],
          row: { [$0.identity.kind, $0.identity.subject, $0.roles.joined(separator: ", "), $0.policies.joined(separator: ", ")] },
          document: { ["type": $0.identity.kind, "subject": $0.identity.subject, "roles": $0.roles, "policies": $0.policies] },
          empty: "No assignments.",
          yaml: { try IdentityDocument.yaml($0, list: who.given == 0) }))
    }
  }
}

/// `flyte delete assignment (--user-subject S | --creds-subject C | --email E) --policy P [--yes]`.
struct DeleteAssignment: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "assignment", abstract: "Take a policy from a user or an API key.")

  @OptionGroup var who: IdentitySelector
  @Option(help: "Policy name to unassign.") var policy: String
  @Flag(name: [.short, .long], help: "Unassign without asking for confirmation.") var yes = false
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      let identity = try await who.identity(client)
      try DeleteConfirmation.require("the assignment of policy \"\(policy)\" to \(identity)", yes: yes)
      try await Assignment.delete(identity, policy: policy, client: client)
      Terminal.write("Took policy \"\(policy)\" from \(identity).\n")
    }
  }
}
