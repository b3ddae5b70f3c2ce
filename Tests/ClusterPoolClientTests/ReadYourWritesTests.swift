import ClusterPoolClient
import Foundation
import Testing

/// `ControlPlaneClient` remembers the highest `clusterpool-revision` it saw and sends it as
/// `clusterpool-min-revision` with every later call, against the real server.
@Suite struct ReadYourWritesTests {
  static let registry = "ghcr.io/acme"

  @Test func theClientRemembersTheRevisionOfItsWrites() async throws {
    try await withPoolServer { client, _ in
      _ = try await ClusterPool.get("default", client: client)
      let before = client.highestRevision
      try await ClusterPool.create("prod", objectStoreURI: "s3://b/prod", secretStoreType: .vault, client: client)
      #expect(client.highestRevision >= before + 1, "a write's answer carries its own commit's revision")
      let written = client.highestRevision
      _ = try await ClusterPool.get("prod", client: client)
      #expect(client.highestRevision >= written, "never lowered")
      client.noteRevision(1)
      #expect(client.highestRevision >= written)
    }
  }

  /// A second client told the first one's revision plus one (as a replica that has not
  /// applied it yet would be) waits, and its call runs once a write reaches that revision: the
  /// client sends the header, and the server holds the call until then.
  @Test func aSecondClientWaitsForTheRevisionItWasGiven() async throws {
    try await withPoolServer { writer, settings in
      try await ClusterPool.create("prod", objectStoreURI: "s3://b/prod", secretStoreType: .vault, client: writer)
      let reader = ControlPlaneClient(settings: settings)
      reader.noteRevision(writer.highestRevision + 1)
      let read = Task { try await ClusterPool.get("west", client: reader) }
      try await ClusterPool.create("west", objectStoreURI: "s3://b/west", secretStoreType: .vault, client: writer)
      let pool = try await read.value
      #expect(pool.name == "west", "the read ran after the write it waited for")
      #expect(reader.highestRevision >= writer.highestRevision)
      await reader.close()
    }
  }

  @Test func aRevisionNotAppliedBeforeTheDeadlineIsUnavailable() async throws {
    try await withPoolServer { writer, settings in
      try await ClusterPool.create("prod", objectStoreURI: "s3://b/prod", secretStoreType: .vault, client: writer)
      var short = settings
      // The server answers at the deadline less a margin (a tenth, at most 200 ms): with 1 s
      // (a 100 ms margin) the client's own deadline came first once in the parallel suite on a
      // loaded machine; 4 s leaves the full 200 ms.
      short.callTimeout = .seconds(4)
      let reader = ControlPlaneClient(settings: short)
      reader.noteRevision(writer.highestRevision + 1)
      await expectStatus(.unavailable, containing: "the request needs \(writer.highestRevision + 1)") {
        _ = try await ClusterPool.get("prod", client: reader)
      }
      await reader.close()
    }
  }
}
