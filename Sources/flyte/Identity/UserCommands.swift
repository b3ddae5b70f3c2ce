import ArgumentParser
import ClusterPoolClient

/// `flyte create user --first-name F --last-name L --email E [--policy P]`.
struct CreateUser: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "user", abstract: "Create a user (named by their email).")

  @Option(help: "First name of the user.") var firstName: String
  @Option(help: "Last name of the user.") var lastName: String
  @Option(help: "Email address of the user.") var email: String
  @Option(help: "Policy to give the user after creation.") var policy: String?
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      let subject = try await User.create(firstName: firstName, lastName: lastName, email: email, client: client)
      Terminal.write("Created user \"\(subject)\".\n")
      if let policy {
        try await Assignment.create(.user(subject), policy: policy, client: client)
        Terminal.write("Gave policy \"\(policy)\" to user \"\(subject)\".\n")
      }
    }
  }
}

/// `flyte get user [SUBJECT] [--email E] [--limit N]`.
struct GetUser: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "user", abstract: "List users, or show one.")

  @Argument var subject: String?
  @Option(help: "Only the user with this email address.") var email: String?
  @Option(help: "List at most this many users.") var limit = 100
  @OptionGroup var output: OutputOptions
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      let users = if let subject { [try await User.get(subject, client: client)] } else {
        try await User.listAll(email: email, limit: limit, client: client)
      }
      Terminal.write(
        try IdentityOutput.render(
          users, output.output, headers: ["SUBJECT", "EMAIL", "FIRST NAME", "LAST NAME", "POLICIES"],
          row: { [$0.subject, $0.email, $0.firstName, $0.lastName, $0.policies.joined(separator: ", ")] },
          document: { ["subject": $0.subject, "email": $0.email, "first_name": $0.firstName, "last_name": $0.lastName,
                       "policies": $0.policies] }, empty: "No users."))
    }
  }
}

/// `flyte delete user SUBJECT [--yes]`.
struct DeleteUser: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "user", abstract: "Delete a user and their assignment.")

  @Argument var subject: String
  @Flag(name: [.short, .long], help: "Delete without asking for confirmation.") var yes = false
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      try DeleteConfirmation.require("user \"\(subject)\"", yes: yes)
      try await User.delete(subject, client: client)
      Terminal.write("Deleted user \"\(subject)\".\n")
    }
  }
}

/// `flyte get member`.
struct GetMember: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "member", abstract: "List the organization's users and applications.")

  @OptionGroup var output: OutputOptions
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      let members = try await Assignment.members(client: client)
      Terminal.write(
        try IdentityOutput.render(
          members, output.output, headers: ["TYPE", "SUBJECT", "NAME"], row: { [$0.identity.kind, $0.identity.subject, $0.name] },
          document: { ["type": $0.identity.kind, "subject": $0.identity.subject, "name": $0.name] }, empty: "No members."))
    }
  }
}
