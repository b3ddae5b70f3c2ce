import ClusterPoolClient
import Testing

@Suite struct ClusterWatchViewTests {
  static func cluster(_ name: String, _ state: LifecycleState, health: ClusterHealth = .healthy) -> Cluster {
    Cluster(name: name, organization: "acme", pool: "prod", state: state, health: health)
  }

  @Test func pipedTableIsTheSnapshotThenOneRowPerChange() throws {
    var view = ClusterWatchView(format: .table, redraw: false)
    #expect(try view.apply(.init(kind: .snapshot, clusters: [Self.cluster("b", .active)])) == """
      NAME   POOL   STATE    HEALTH    QUEUES
      b      prod   ACTIVE   HEALTHY   -

      """)
    #expect(try view.apply(.init(kind: .change, clusters: [Self.cluster("a", .draining, health: .unhealthy)])) ==
      "a      prod   DRAINING   UNHEALTHY   -\n")
    #expect(view.current.keys.sorted() == ["a", "b"])
    #expect(try view.apply(.init(kind: .change, clusters: [Self.cluster("a", .deleted)])) ==
      "a      prod   DELETED   HEALTHY   -\n")
    #expect(view.current.keys.sorted() == ["b"])
  }

  @Test func anEmptySnapshotPrintsTheHeaderAlone() throws {
    var view = ClusterWatchView(format: .table, redraw: false)
    #expect(try view.apply(.init(kind: .snapshot, clusters: [])) == "NAME   POOL   STATE   HEALTH   QUEUES\n")
  }

  @Test func aTerminalGetsTheWholeTableRedrawn() throws {
    var view = ClusterWatchView(format: .table, redraw: true)
    let first = try view.apply(.init(kind: .snapshot, clusters: []))
    #expect(first.hasPrefix("\u{1B}[H\u{1B}[2JNo clusters.\n"))
    let second = try view.apply(.init(kind: .change, clusters: [Self.cluster("b", .active), Self.cluster("a", .active)]))
    #expect(second.hasPrefix("\u{1B}[H\u{1B}[2JNAME   POOL   STATE    HEALTH    QUEUES\na      prod"))
    #expect(second.contains("\nb      prod   ACTIVE   HEALTHY   -\n"))
    #expect(second.hasSuffix("Watching for changes (Ctrl-C to stop).\n"))
  }

  @Test func aNameKeepsOnlyThatCluster() throws {
    var view = ClusterWatchView(format: .table, name: "prod", redraw: false)
    _ = try view.apply(.init(kind: .snapshot, clusters: [Self.cluster("prod", .active), Self.cluster("prod-2", .active)]))
    #expect(view.current.keys.sorted() == ["prod"])
    #expect(try view.apply(.init(kind: .change, clusters: [Self.cluster("prod-2", .draining)])) == "")
  }

  @Test func jsonPrintsTheSnapshotThenEachChange() throws {
    var view = ClusterWatchView(format: .json, redraw: false)
    let snapshot = try view.apply(.init(kind: .snapshot, clusters: [Self.cluster("a", .active)]))
    #expect(snapshot.hasPrefix("[\n  {\n    \"name\": \"a\""))
    let change = try view.apply(.init(kind: .change, clusters: [Self.cluster("a", .draining)]))
    #expect(change.contains("\"state\": \"DRAINING\""))
  }
}

extension ClusterWatchViewTests {
  @Test func jsonRawIsRefusedNamingTheFormatsThatWork() {
    var view = ClusterWatchView(format: .jsonRaw, redraw: false)
    #expect {
      _ = try view.apply(ClusterWatchEvent(kind: .snapshot, clusters: []))
    } throws: { "\($0)".contains("use -o json or yaml with --watch") }
  }
}
