import ArgumentParser
import ClusterPoolClient

/// `flyte update queue NAME --drain | --activate | --edit | --file F | SPEC FLAGS`.
struct UpdateQueue: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: QueueNoun.name, abstract: "Drain or activate a queue, or change its spec.",
    discussion: """
      --edit opens the queue's spec in an editor. After a spec is rejected (it does not parse, \
      or the server refuses it), the reason is shown and you choose: (r)etry reopens the editor \
      with the reason at the top, (s)ave to file keeps your text for --file, (a)bort. Without \
      a terminal it stops at the first rejection and saves the text. Saving the file unchanged \
      or empty aborts (exit status 1). --file applies such a spec (the editor's format). \
      --drain stops the queue taking work (it reads DRAINED at once: no running work is \
      tracked); --activate makes it ACTIVE again. The spec flags (--run-concurrency, \
      --cluster-pool, --max-resources, ...) change only what they name; the pool can change only while the \
      queue is DRAINED. A cluster's implicit queue cannot be changed on its own.
      """,
    aliases: QueueNoun.aliases)

  @Argument(help: "The queue to change.")
  var name: String

  @Flag(help: "Drain the queue.")
  var drain = false

  @Flag(help: "Make the queue ACTIVE again.")
  var activate = false

  @Flag(help: "Change the spec in an editor ($VISUAL, $EDITOR, else vi).")
  var edit = false

  @Option(name: [.short, .long], help: "Spec manifest to apply, as --edit shows it ('-' reads standard input).")
  var file: String?

  @Option(help: "Fail (ABORTED) unless the queue's state generation is still this one (default: no check).")
  var expectedStateGeneration: UInt64?

  @OptionGroup var spec: QueueSpecOptions
  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    let chosen = [drain, activate, edit, file != nil, !spec.isEmpty].filter { $0 }.count
    guard chosen == 1 else {
      throw ValidationError("give exactly one of --edit, --drain, --activate or spec flags (or --file)")
    }
    _ = try spec.resourceCaps()
    _ = try spec.acceleratorCaps()
  }

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      if drain || activate {
        let queue = try await Queue.updateState(
          name, to: drain ? .draining : .active, expectedStateGeneration: expectedStateGeneration, client: client)
        let state = queue.state?.rawValue ?? "unknown"
        Terminal.write(
          "\(drain ? "Drained" : "Activated") queue \"\(name)\" (state \(state), generation \(queue.stateGeneration)).\n")
        return
      }
      if let file {
        let current = try await Queue.get(name, client: client)
        try await apply(try QueueManifest(yaml: try ManifestFile.read(file)), to: current.spec, client)
        Terminal.write("Updated queue \"\(name)\".\n")
        return
      }
      if edit {
        try await editSpec(client)
        Terminal.write("Updated queue \"\(name)\".\n")
        return
      }
      try await Queue.update(
        name, runConcurrency: spec.runConcurrency, actionConcurrency: spec.actionConcurrency,
        clusterPoolName: spec.clusterPool, clusters: spec.clusters.isEmpty ? nil : spec.clusters, depth: spec.depth,
        priority: spec.priority, fairness: spec.fairness, scheduling: spec.scheduling, maxResources: try spec.resourceCaps(),
        maxAccelerators: try spec.acceleratorCaps(), client: client)
      Terminal.write("Updated queue \"\(name)\".\n")
    }
  }

  /// The --edit loop: the current spec in the editor until the server accepts it.
  private func editSpec(_ client: ControlPlaneClient) async throws {
    let current = try await Queue.get(name, client: client)
    let text = QueueManifest(name: name, spec: current.spec).yaml(action: "Queue \"\(name)\": change its spec.")
    let editor = ManifestEditor.forCLI(fileCommand: "flyte update queue \(name)")
    _ = try await editor.edit(text, fileLabel: "queue-\(name)", parse: QueueManifest.init(yaml:)) { manifest in
      try await apply(manifest, to: current.spec, client)
    }
  }

  /// Sends `manifest`'s changes to `spec`, the queue's current one.
  private func apply(_ manifest: QueueManifest, to spec: QueueSpec, _ client: ControlPlaneClient) async throws {
    if let other = manifest.name, other != name {
      throw ManifestError("the manifest names queue \"\(other)\", not \"\(name)\" (a queue cannot be renamed)")
    }
    try await Queue.update(name, spec: manifest.applied(to: spec), client: client)
  }
}
