internal import ClusterPoolClient

extension LocalServer {
  /// Applies the options' seed (``Options/seed`` files and folders, then
  /// ``Options/seedDocuments``) as `flyte apply` would, with the server's own client: the
  /// organization's pools, clusters, queues, roles, policies and assignments the documents
  /// describe exist before the body runs. A document the apply engine refuses, or a change the
  /// server refuses, stops the start with its file and line or the server's message.
  func seed(_ options: Options) async throws {
    var sets: [ApplyDocuments] = []
    if !options.seed.isEmpty { sets.append(try ApplyDocuments.load(options.seed)) }
    if let text = options.seedDocuments { sets.append(try ApplyDocuments(yaml: text, file: "seedDocuments")) }
    for documents in sets {
      let current = try await OrganizationState.read(client: client, access: ApplyPlan.managesAccess(documents))
      try await ApplyPlan(documents, current: current).execute(client: client)
    }
  }
}
