internal import Yams

extension ApplyDocument {
  /// The document of one YAML node of `file`; throws its problems, each with a line.
  init(node: Node, file: String) throws(ApplyError) {
    let start = SourcePlace(file: file, line: node.mark?.line ?? 1)
    guard let top = node.mapping else {
      throw ApplyError([.init(start, "a document must be a mapping with kind: (\(ApplyKind.names))")])
    }
    guard let kindNode = top["kind"], let kindName = kindNode.scalar?.string, !kindName.isEmpty else {
      throw ApplyError([.init(start, "the document has no kind: give kind: with one of \(ApplyKind.names)")])
    }
    guard let kind = ApplyKind(rawValue: kindName) else {
      throw ApplyError([
        .init(ApplyKeySchema.place(kindNode, file) ?? start, "unknown kind \"\(kindName)\"; expected one of \(ApplyKind.names)")
      ])
    }
    var places: [String: SourcePlace] = [:]
    let problems = ApplyKeySchema.of(kind).check(node, path: "", file: file, places: &places)
    if !problems.isEmpty { throw ApplyError(problems) }
    func fail(_ key: String?, _ message: String) -> ApplyError {
      ApplyError([.init(key.flatMap { places[$0] } ?? start, "\(kind.rawValue): \(message)")])
    }
    func text(_ key: String) throws(ApplyError) -> String? {
      guard let value = top[key], value.null == nil else { return nil }
      guard let scalar = value.scalar else { throw fail(key, "\(key) must be a string") }
      return scalar.string.trimmingWhitespace()
    }
    func strings(_ key: String) throws(ApplyError) -> [String] {
      guard let value = top[key], value.null == nil else { return [] }
      guard let items = value.sequence?.map({ $0.scalar?.string.trimmingWhitespace() ?? "" }), !items.contains("") else {
        throw fail(key, "\(key) must be a list of names")
      }
      return items
    }

    let name: String
    let object: Object
    do {
      switch kind {
      case .clusterPool:
        name = try Self.checkedName(text("name"), kind, places, start)
        object = .clusterPool(try ClusterPoolManifest(node: node).config)
      case .cluster:
        name = try Self.checkedName(text("name"), kind, places, start)
        if name == "default" { throw fail("name", "default is reserved (the default queue's name) and cannot name a cluster") }
        let pool = try ClusterManifest(node: node).pool ?? "default"
        try Self.checkName(pool, "pool", kind, places, start)
        object = .cluster(pool: pool)
      case .queue:
        name = try Self.checkedName(text("name"), kind, places, start)
        let manifest = try QueueManifest(node: node)
        if !manifest.spec.clusterPoolName.isEmpty {
          try Self.checkName(manifest.spec.clusterPoolName, "spec.cluster_pool_name", kind, places, start)
        }
        object = .queue(manifest, clusterManaged: top["cluster_managed"]?.bool ?? false)
      case .role:
        guard let given = try text("name"), !given.isEmpty else { throw fail(nil, "the document has no name") }
        name = given
        let actions = try strings("actions").map { action throws(ApplyError) in
          do { return try Role.action(action).protoName ?? action } catch { throw fail("actions", "\(error)") }
        }
        object = .role(description: try text("description") ?? "", actions: actions)
      case .policy:
        guard let given = try text("name"), !given.isEmpty else { throw fail(nil, "the document has no name") }
        name = given
        object = .policy(description: try text("description") ?? "", bindings: try Self.bindings(top["bindings"], fail))
      case .assignment:
        let user = try text("user"), application = try text("application")
        let identity: Assignment.Identity
        switch (user, application) {
        case (let user?, nil) where !user.isEmpty: identity = .user(user)
        case (nil, let application?) where !application.isEmpty: identity = .application(application)
        default: throw fail(nil, "give exactly one of user: SUBJECT or application: CLIENT_ID")
        }
        name = "\(identity.kind):\(identity.subject)"
        object = .assignment(identity, policies: try strings("policies"))
      }
    } catch let error as ApplyError {
      throw error
    } catch let error as ManifestError {
      throw ApplyError([.init(start, "\(kind.rawValue): \(error.message)")])
    } catch {
      throw ApplyError([.init(start, "\(kind.rawValue): \(error)")])
    }
    self.init(kind: kind, name: name, place: start, object: object, keyPlaces: places)
  }

  /// A pool, cluster or queue name: 1-63 of a-z, 0-9 and '-', starting and ending with a
  /// letter or digit.
  private static func checkedName(
    _ name: String?, _ kind: ApplyKind, _ places: [String: SourcePlace], _ start: SourcePlace
  ) throws(ApplyError) -> String {
    guard let name, !name.isEmpty else { throw ApplyError([.init(start, "\(kind.rawValue): the document has no name")]) }
    try checkName(name, "name", kind, places, start)
    return name
  }

  private static func checkName(
    _ name: String, _ key: String, _ kind: ApplyKind, _ places: [String: SourcePlace], _ start: SourcePlace
  ) throws(ApplyError) {
    let allowed = name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    guard allowed, (1...63).contains(name.utf8.count), name.first != "-", name.last != "-" else {
      throw ApplyError([
        .init(
          places[key] ?? start,
          "\(kind.rawValue): \(key) \"\(name)\" is not a valid name: 1-63 of a-z, 0-9 and '-', starting and ending with a letter or digit")
      ])
    }
  }

  private static func bindings(_ node: Node?, _ fail: (String?, String) -> ApplyError) throws(ApplyError) -> [Policy.Binding] {
    guard let node, node.null == nil, let items = node.sequence else { return [] }
    return try items.map { item throws(ApplyError) in
      guard let role = item.mapping?["role"]?.scalar?.string, !role.isEmpty else {
        throw fail("bindings", "every binding needs a role")
      }
      let resource = item.mapping?["resource"]?.mapping
      func value(_ key: String) -> String? { resource?[key]?.scalar?.string }
      if let cluster = value("cluster") { return Policy.Binding(role: role, resource: .cluster(cluster)) }
      if let project = value("project") {
        guard let domain = value("domain") else { throw fail("bindings", "a project binding needs its domain") }
        return Policy.Binding(role: role, resource: .project(domain: domain, name: project))
      }
      if let domain = value("domain") { return Policy.Binding(role: role, resource: .domain(domain)) }
      return Policy.Binding(role: role)
    }
  }
}
