import ClusterPoolClient
import Testing

/// The edit loop with a real editor process (a script), without a server: manifest errors
/// reopen the editor, unchanged or emptied files abort.
@Suite struct ManifestEditorTests {
  @Test func anInvalidManifestReopensWithTheErrorOnTop() async throws {
    let invalid = "name: prod\nconfig:\n  secret_store:\n    type: NOT_A_STORE\n"
    let editor = try ScriptedEditor(steps: [invalid, ManifestTests.seedManifest])
    defer { editor.directory.remove() }
    var applied: [ClusterPoolManifest] = []
    let result = try await ManifestEditor(command: editor.command).edit(
      ClusterPoolManifest.creationTemplate(name: "prod"), fileLabel: "test"
    ) { applied.append($0) }
    #expect(editor.runs == 2)
    #expect(applied == [result])
    #expect(result.config == ManifestTests.seedConfig)
    #expect(editor.seen(1) == ClusterPoolManifest.creationTemplate(name: "prod"))
    let second = editor.seen(2)
    #expect(second.hasPrefix("#! ERROR: invalid manifest: config.secret_store.type \"NOT_A_STORE\" is not one of"))
    #expect(second.hasSuffix(invalid))
  }

  @Test func anErrorFromApplyThatIsInvalidArgumentReopens() async throws {
    let editor = try ScriptedEditor(steps: [ManifestTests.seedManifest, "# fixed\n" + ManifestTests.seedManifest])
    defer { editor.directory.remove() }
    var attempts = 0
    _ = try await ManifestEditor(command: editor.command).edit("name: prod\n", fileLabel: "test") { _ in
      attempts += 1
      if attempts == 1 {
        throw ClientError(code: .invalidArgument, message: "object_store_ref.uri must be an absolute URI")
      }
    }
    #expect(attempts == 2)
    #expect(editor.seen(2).hasPrefix("#! ERROR: INVALID_ARGUMENT: object_store_ref.uri must be an absolute URI\n"))
  }

  @Test func otherErrorsFromApplyEndTheSession() async throws {
    let editor = try ScriptedEditor(steps: [ManifestTests.seedManifest])
    defer { editor.directory.remove() }
    await #expect(throws: ClientError(code: .alreadyExists, message: "exists")) {
      _ = try await ManifestEditor(command: editor.command).edit("name: prod\n", fileLabel: "test") { _ in
        throw ClientError(code: .alreadyExists, message: "exists")
      }
    }
    #expect(editor.runs == 1)
  }

  @Test func anUnchangedFileAborts() async throws {
    let editor = try ScriptedEditor(steps: [nil])
    defer { editor.directory.remove() }
    await #expect(throws: ManifestEditError.unchanged) {
      _ = try await ManifestEditor(command: editor.command).edit(
        ClusterPoolManifest.creationTemplate(name: "prod"), fileLabel: "test") { _ in Issue.record("applied") }
    }
  }

  @Test func anUnchangedFileAfterAnErrorAborts() async throws {
    let editor = try ScriptedEditor(steps: ["name: prod\nconfig: {bogus: 1}\n", nil])
    defer { editor.directory.remove() }
    await #expect(throws: ManifestEditError.unchanged) {
      _ = try await ManifestEditor(command: editor.command).edit("name: prod\n", fileLabel: "test") { _ in
        Issue.record("applied")
      }
    }
    #expect(editor.runs == 2)
  }

  @Test func anEmptiedFileAborts() async throws {
    let editor = try ScriptedEditor(steps: ["# all gone\n\n"])
    defer { editor.directory.remove() }
    await #expect(throws: ManifestEditError.emptied) {
      _ = try await ManifestEditor(command: editor.command).edit("name: prod\n", fileLabel: "test") { _ in
        Issue.record("applied")
      }
    }
  }

  @Test func aFailingEditorAborts() async throws {
    await #expect(throws: ManifestEditError.self) {
      _ = try await ManifestEditor(command: "false").edit("name: prod\n", fileLabel: "test") { _ in Issue.record("applied") }
    }
  }

  @Test func theEditorComesFromVisualThenEditorThenVi() {
    #expect(ManifestEditor(environment: ["VISUAL": "code -w", "EDITOR": "nano"]).command == "code -w")
    #expect(ManifestEditor(environment: ["VISUAL": "", "EDITOR": "nano"]).command == "nano")
    #expect(ManifestEditor(environment: [:]).command == "vi")
  }
}
