internal import Foundation
internal import Yams

/// The documents of `flyte apply`'s files: YAML documents of `kind: ClusterPool | Cluster |
/// Queue | Role | Policy | Assignment`, each with the fields of its kind's `--file` manifest,
/// from multi-document files, folders of `.yaml`/`.yml` files, or standard input.
///
/// ```swift
/// let documents = try ApplyDocuments.load(["org/"])
/// let plan = try ApplyPlan(documents, current: try await OrganizationState.read(client: client))
/// print(plan.rendered())
/// try await plan.execute(client: client)
/// ```
///
/// Loading checks everything that needs no server, each problem with its file and line: an
/// unknown kind or key, a bad value, two documents for one object, a cluster named in two
/// pools.
public struct ApplyDocuments: Sendable {
  /// The documents, in the order of the files.
  public var documents: [ApplyDocument]

  /// Documents already parsed, checked together.
  public init(_ documents: [ApplyDocument]) throws(ApplyError) {
    self.documents = documents
    let problems = Self.crossProblems(documents)
    if !problems.isEmpty { throw ApplyError(problems) }
  }

  /// The documents of one YAML text, `file` naming it in messages.
  public init(yaml text: String, file: String) throws(ApplyError) {
    try self.init(Self.parse(text, file: file))
  }

  /// The documents of `paths`: files, folders (their `.yaml` and `.yml` files, sorted, in
  /// sub-folders too) and `-` for `standardInput`.
  public static func load(_ paths: [String], standardInput: () -> String = { "" }) throws(ApplyError) -> ApplyDocuments {
    var documents: [ApplyDocument] = []
    var problems: [ApplyError.Problem] = []
    for path in paths {
      if path == "-" {
        Self.collect(standardInput(), file: "-", into: &documents, &problems)
        continue
      }
      for file in files(path, &problems) {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
          problems.append(.init(nil, "\(file): cannot read the file (missing, unreadable or not UTF-8)"))
          continue
        }
        Self.collect(text, file: file, into: &documents, &problems)
      }
    }
    problems += crossProblems(documents)
    if !problems.isEmpty { throw ApplyError(problems) }
    return ApplyDocuments(checked: documents)
  }

  private init(checked documents: [ApplyDocument]) { self.documents = documents }

  /// The documents of `text`; throws every problem of every document.
  static func parse(_ text: String, file: String) throws(ApplyError) -> [ApplyDocument] {
    var documents: [ApplyDocument] = []
    var problems: [ApplyError.Problem] = []
    collect(text, file: file, into: &documents, &problems)
    if !problems.isEmpty { throw ApplyError(problems) }
    return documents
  }

  private static func collect(
    _ text: String, file: String, into documents: inout [ApplyDocument], _ problems: inout [ApplyError.Problem]
  ) {
    // compose_all's sequence ends at the first document that does not parse and keeps the
    // error aside: read it, or the documents after a broken one would be silently dropped.
    var nodes: [Node] = []
    do {
      var sequence = try Yams.compose_all(yaml: text)
      while let node = sequence.next() { nodes.append(node) }
      if let error = sequence.error { throw error }
    } catch {
      let (line, problem) = Self.describe(error)
      problems.append(.init(SourcePlace(file: file, line: line), "not valid YAML: \(problem)"))
    }
    for node in nodes where node.null == nil {
      do {
        documents.append(try ApplyDocument(node: node, file: file))
      } catch {
        problems += error.problems
      }
    }
  }

  /// The line and problem Yams names in a parse error (line 1 when it names none).
  private static func describe(_ error: any Error) -> (Int, String) {
    guard let error = error as? YamlError else { return (1, "\(error)") }
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      return (mark.line, context.map { "\($0.text) \(problem)" } ?? problem)
    case .duplicatedKeysInMapping(let duplicates, let context):
      return (context.mark.line, "the key \(duplicates.joined(separator: ", ")) appears twice in one mapping")
    default: return (1, "\(error)")
    }
  }

  /// The `.yaml`/`.yml` files under `path` (sorted), or `path` itself when it is a file.
  private static func files(_ path: String, _ problems: inout [ApplyError.Problem]) -> [String] {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      problems.append(.init(nil, "\(path): no such file or folder"))
      return []
    }
    guard isFolder.boolValue else { return [path] }
    guard let walker = FileManager.default.enumerator(atPath: path) else {
      problems.append(.init(nil, "\(path): cannot read the folder"))
      return []
    }
    let found = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    if found.isEmpty { problems.append(.init(nil, "\(path): the folder holds no .yaml or .yml file")) }
    let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
    return found.map { "\(folder)/\($0)" }
  }

  /// Problems between documents: two for one object, a cluster named in two pools, a queue
  /// taking a cluster's name.
  static func crossProblems(_ documents: [ApplyDocument]) -> [ApplyError.Problem] {
    var problems: [ApplyError.Problem] = []
    var seen: [String: ApplyDocument] = [:]
    for document in documents {
      let key = "\(document.kind.rawValue)/\(document.name)"
      guard let first = seen[key] else {
        seen[key] = document
        continue
      }
      if case .cluster(let pool) = document.object, case .cluster(let firstPool) = first.object, pool != firstPool {
        problems.append(
          .init(
            document.place(of: "pool"),
            "cluster \(document.name) is named in two pools: \(firstPool) (\(first.place(of: "pool"))) and \(pool); "
              + "a cluster belongs to one pool: keep one of the two documents"))
      } else {
        problems.append(
          .init(
            document.place,
            "a second document for \(document.kind.noun) \(document.name) (the first is at \(first.place)); keep one"))
      }
    }
    for document in documents where document.kind == .queue {
      if case .queue(_, clusterManaged: false) = document.object, let cluster = seen["Cluster/\(document.name)"] {
        problems.append(
          .init(
            document.place,
            "queue \(document.name) takes the name of cluster \(document.name) (\(cluster.place)): clusters and queues "
              + "share one namespace (each cluster has an implicit queue of its name); rename the queue"))
      }
    }
    return problems
  }
}
