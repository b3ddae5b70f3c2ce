import ClusterPoolClient
import Foundation
import Testing

/// The edit session with a real editor process (a script) and a scripted answer to
/// "(r)etry, (s)ave to file, (a)bort", without a server: a rejection asks, no answer (no
/// terminal) stops with the text saved, an unchanged re-save stops, the temporary file goes.
@Suite struct ManifestEditorTests {
  static let invalid = "name: prod\nconfig:\n  secret_store:\n    type: NOT_A_STORE\n"

  func editor(_ scripted: ScriptedEditor, _ answers: [ManifestRejectionChoice?], saveIn: String? = nil) -> (
    ManifestEditor, ScriptedPrompt
  ) {
    let prompt = ScriptedPrompt(answers)
    let editor = ManifestEditor(
      command: scripted.command, prompt: prompt, saveDirectory: saveIn ?? scripted.directory.path,
      fileCommand: "flyte update cluster-pool prod")
    return (editor, prompt)
  }

  @Test func anInvalidManifestAsksThenReopensWithTheErrorOnTop() async throws {
    let scripted = try ScriptedEditor(steps: [Self.invalid, ManifestTests.seedManifest])
    defer { scripted.directory.remove() }
    let (editor, prompt) = editor(scripted, [.retry])
    var applied: [ClusterPoolManifest] = []
    let result = try await editor.edit(ClusterPoolManifest.creationTemplate(name: "prod"), fileLabel: "test") {
      applied.append($0)
    }
    #expect(scripted.runs == 2)
    #expect(applied == [result])
    #expect(result.config == ManifestTests.seedConfig)
    #expect(prompt.problems.count == 1)
    #expect(prompt.problems.first?.hasPrefix("invalid manifest: config.secret_store.type \"NOT_A_STORE\"") == true)
    #expect(scripted.seen(1) == ClusterPoolManifest.creationTemplate(name: "prod"))
    let second = scripted.seen(2)
    #expect(second.hasPrefix("#! ERROR: invalid manifest: config.secret_store.type \"NOT_A_STORE\" is not one of"))
    #expect(second.hasSuffix(Self.invalid))
    #expect(!FileManager.default.fileExists(atPath: scripted.path(1)))
  }

  @Test func aRefusalFromApplyAsksAndReopens() async throws {
    let scripted = try ScriptedEditor(steps: [ManifestTests.seedManifest, "# fixed\n" + ManifestTests.seedManifest])
    defer { scripted.directory.remove() }
    let (editor, prompt) = editor(scripted, [.retry])
    var attempts = 0
    _ = try await editor.edit("name: prod\n", fileLabel: "test") { _ in
      attempts += 1
      if attempts == 1 {
        throw ClientError(code: .invalidArgument, message: "object_store_ref.uri must be an absolute URI")
      }
    }
    #expect(attempts == 2)
    #expect(prompt.problems == ["INVALID_ARGUMENT: object_store_ref.uri must be an absolute URI"])
    #expect(scripted.seen(2).hasPrefix("#! ERROR: INVALID_ARGUMENT: object_store_ref.uri must be an absolute URI\n"))
  }

  @Test(arguments: [ClientError.Code.failedPrecondition, .alreadyExists, .notFound])
  func otherRefusalsOfTheContentAsk(code: ClientError.Code) async throws {
    let scripted = try ScriptedEditor(steps: [ManifestTests.seedManifest])
    defer { scripted.directory.remove() }
    let (editor, prompt) = editor(scripted, [.abort])
    await #expect(throws: ManifestEditError.aborted) {
      _ = try await editor.edit("name: prod\n", fileLabel: "test") { _ in throw ClientError(code: code, message: "no") }
    }
    #expect(prompt.problems.count == 1)
    #expect(scripted.runs == 1)
    #expect(!FileManager.default.fileExists(atPath: scripted.path(1)))
  }

  @Test func connectionErrorsFromApplyEndTheSessionWithoutAsking() async throws {
    let scripted = try ScriptedEditor(steps: [ManifestTests.seedManifest])
    defer { scripted.directory.remove() }
    let (editor, prompt) = editor(scripted, [.retry])
    let failure = ClientError(code: .deadlineExceeded, message: "no answer")
    await #expect(throws: failure) {
      _ = try await editor.edit("name: prod\n", fileLabel: "test") { _ in throw failure }
    }
    #expect(scripted.runs == 1)
    #expect(prompt.problems.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: scripted.path(1)))
  }

  @Test func theSameRejectedTextSavedAgainStops() async throws {
    // An editor that always writes the same invalid manifest: once asked, retried once, then
    // the unchanged re-save ends the session (the loop of 288 launches is gone).
    let scripted = try ScriptedEditor(steps: [Self.invalid, Self.invalid, Self.invalid])
    defer { scripted.directory.remove() }
    let (editor, prompt) = editor(scripted, [.retry, .retry, .retry])
    await #expect(throws: ManifestEditError.unchangedAfterRejection) {
      _ = try await editor.edit("name: prod\n", fileLabel: "test") { _ in Issue.record("applied") }
    }
    #expect(scripted.runs == 2)
    #expect(prompt.problems.count == 1)
  }

  @Test func leavingTheReopenedFileAsItWasStops() async throws {
    let scripted = try ScriptedEditor(steps: ["name: prod\nconfig: {bogus: 1}\n", nil])
    defer { scripted.directory.remove() }
    let (editor, _) = editor(scripted, [.retry])
    await #expect(throws: ManifestEditError.unchangedAfterRejection) {
      _ = try await editor.edit("name: prod\n", fileLabel: "test") { _ in Issue.record("applied") }
    }
    #expect(scripted.runs == 2)
  }

  @Test func withoutATerminalTheFirstRejectionStopsAndSavesTheText() async throws {
    let scripted = try ScriptedEditor(steps: [Self.invalid, ManifestTests.seedManifest])
    defer { scripted.directory.remove() }
    let (editor, prompt) = editor(scripted, [nil])
    let error = await #expect(throws: ManifestEditError.self) {
      _ = try await editor.edit("name: prod\n", fileLabel: "test") { _ in Issue.record("applied") }
    }
    #expect(scripted.runs == 1)
    #expect(prompt.problems.count == 1)
    guard case .rejectedWithoutTerminal(let problem, let path?, _) = error else {
      Issue.record("want rejectedWithoutTerminal with a saved file, got \(String(describing: error))")
      return
    }
    #expect(problem.hasPrefix("invalid manifest: config.secret_store.type"))
    let saved = try String(contentsOfFile: path, encoding: .utf8)
    #expect(saved.hasPrefix("#! ERROR: invalid manifest: "))
    #expect(saved.hasSuffix(Self.invalid))
    #expect(try ClusterPoolManifest(yaml: saved.replacing("NOT_A_STORE", with: "AWS_SECRETS_MANAGER")).name == "prod")
    let message = error?.description ?? ""
    #expect(message.hasPrefix("invalid manifest: config.secret_store.type"))
    #expect(message.contains("not a terminal"))
    #expect(message.contains("flyte update cluster-pool prod --file \(path)"))
    #expect(!FileManager.default.fileExists(atPath: scripted.path(1)))
  }

  @Test func saveToFileKeepsTheTextAndNamesTheCommand() async throws {
    let scripted = try ScriptedEditor(steps: [Self.invalid])
    defer { scripted.directory.remove() }
    let (editor, _) = editor(scripted, [.saveToFile])
    let error = await #expect(throws: ManifestEditError.self) {
      _ = try await editor.edit("name: prod\n", fileLabel: "test") { _ in Issue.record("applied") }
    }
    guard case .saved(let path, _) = error else {
      Issue.record("want saved, got \(String(describing: error))")
      return
    }
    #expect(path.hasPrefix(scripted.directory.path + "/"))
    #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix(Self.invalid))
    #expect(error?.description.contains("flyte update cluster-pool prod --file \(path)") == true)
    #expect(!FileManager.default.fileExists(atPath: scripted.path(1)))
  }

  @Test func abortStops() async throws {
    let scripted = try ScriptedEditor(steps: [Self.invalid, ManifestTests.seedManifest])
    defer { scripted.directory.remove() }
    let (editor, _) = editor(scripted, [.abort])
    await #expect(throws: ManifestEditError.aborted) {
      _ = try await editor.edit("name: prod\n", fileLabel: "test") { _ in Issue.record("applied") }
    }
    #expect(scripted.runs == 1)
  }

  @Test func anUnchangedFileAborts() async throws {
    let scripted = try ScriptedEditor(steps: [nil])
    defer { scripted.directory.remove() }
    let (editor, prompt) = editor(scripted, [.retry])
    await #expect(throws: ManifestEditError.unchanged) {
      _ = try await editor.edit(ClusterPoolManifest.creationTemplate(name: "prod"), fileLabel: "test") { _ in
        Issue.record("applied")
      }
    }
    #expect(prompt.problems.isEmpty)
  }

  @Test func anEmptiedFileAborts() async throws {
    let scripted = try ScriptedEditor(steps: ["# all gone\n\n"])
    defer { scripted.directory.remove() }
    let (editor, _) = editor(scripted, [.retry])
    await #expect(throws: ManifestEditError.emptied) {
      _ = try await editor.edit("name: prod\n", fileLabel: "test") { _ in Issue.record("applied") }
    }
  }

  @Test func aFailingEditorAborts() async throws {
    await #expect(throws: ManifestEditError.self) {
      _ = try await ManifestEditor(command: "false", prompt: ScriptedPrompt([.retry])).edit(
        "name: prod\n", fileLabel: "test") { _ in Issue.record("applied") }
    }
  }

  @Test func theTerminalAnswersAreRSAndA() {
    #expect(TerminalRejectionPrompt.parse("r") == .retry)
    #expect(TerminalRejectionPrompt.parse("") == .retry)
    #expect(TerminalRejectionPrompt.parse(" S \n") == .saveToFile)
    #expect(TerminalRejectionPrompt.parse("a") == .abort)
    #expect(TerminalRejectionPrompt.parse("Abort") == .abort)
    #expect(TerminalRejectionPrompt.parse("x") == nil)
  }

  @Test func theEditorComesFromVisualThenEditorThenVi() {
    #expect(ManifestEditor(environment: ["VISUAL": "code -w", "EDITOR": "nano"]).command == "code -w")
    #expect(ManifestEditor(environment: ["VISUAL": "", "EDITOR": "nano"]).command == "nano")
    #expect(ManifestEditor(environment: [:]).command == "vi")
  }
}
