import ArgumentParser

/// A command tree shaped like the server's: root options, an option group with a section,
/// a flag, a repeatable option, and subcommands sharing the group.
struct SampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "sample", subcommands: [Copy.self, Keys.self])

  @Option var host = "127.0.0.1"
  @Option var port = 8089
  @Option var tlsCert: String?
  @Flag var enableTestService = false
  @Flag(inversion: .prefixedNo) var color = true
  @Option var tag: [String] = []
  @OptionGroup(title: "Store") var store: StoreOptions
  @Option var config: String?
  @Flag var printConfig = false

  struct StoreOptions: ParsableArguments {
    @Option var database = "sample.db"
    @Option var databasePassword: String?
    @Option var defaultSecretStoreType = "KUBERNETES"
  }

  struct Copy: ParsableCommand {
    @Option var from: String
    @OptionGroup(visibility: .private) var store: StoreOptions
  }

  struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(subcommands: [Rotate.self])

    struct Rotate: ParsableCommand {
      @OptionGroup(visibility: .private) var store: StoreOptions
    }
  }

  func validate() throws {
    guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
  }
}
