import ClusterPoolClient
import ClusterPoolDomain
import Foundation
import Testing

/// The client's credentials against a real server enforcing authorization over TLS: an API
/// key's token from the token endpoint, shared by concurrent calls and renewed before it
/// expires; one new token and one retry after UNAUTHENTICATED, then a clear error; an
/// ExternalCommand's token; none sent in cleartext; no secret in any message.
@Suite struct ClientAuthEndToEndTests {
  @Test func anAPIKeyGetsOneTokenSharedByConcurrentCalls() async throws {
    try await withAuthServer { server in
      let key = try await server.apiKey("ci")
      let client = ControlPlaneClient(settings: server.settings(.apiKey(key, source: "FLYTE_API_KEY")))
      defer { Task { await client.close() } }
      try await ClusterPool.create("prod", objectStoreURI: "s3://prod", secretStoreType: .kubernetes, client: client)
      let names = try await withThrowingTaskGroup(of: String.self) { group in
        for _ in 0..<20 { group.addTask { try await ClusterPool.get("prod", client: client).name } }
        return try await group.reduce(into: [String]()) { $0.append($1) }
      }
      #expect(names == Array(repeating: "prod", count: 20))
      #expect(await client.tokensFetched == 1)

      // a fresh client: twenty calls at once, one token request between them
      let fresh = ControlPlaneClient(settings: server.settings(.apiKey(key, source: "FLYTE_API_KEY")))
      defer { Task { await fresh.close() } }
      try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<20 { group.addTask { _ = try await ClusterPool.get("prod", client: fresh) } }
        try await group.waitForAll()
      }
      #expect(await fresh.tokensFetched == 1)
    }
  }

  @Test func tokensAreRenewedBeforeTheyExpire() async throws {
    try await withAuthServer(tokenLifetime: 2) { server in
      let key = try await server.apiKey("ci")
      let client = ControlPlaneClient(settings: server.settings(.apiKey(key, source: "test")))
      defer { Task { await client.close() } }
      // calls keep succeeding across three lifetimes (the server allows no clock skew here): until
      // the third token, which comes after two have expired (bounded for a loaded machine)
      let end = ContinuousClock.now + .seconds(30)
      var calls = 0
      while await client.tokensFetched < 3, ContinuousClock.now < end {
        _ = try await ClusterPool.get("default", client: client)
        calls += 1
        try await Task.sleep(for: .milliseconds(100))
      }
      #expect(calls > 10)
      #expect(await client.tokensFetched >= 3)
    }
  }

  @Test func aDeletedKeyIsRetriedOnceThenRefusedClearly() async throws {
    try await withAuthServer { server in
      _ = try await server.apiKey("keeper")  // the last admin cannot be deleted
      let key = try await server.apiKey("ci")
      let client = ControlPlaneClient(settings: server.settings(.apiKey(key, source: "FLYTE_API_KEY")))
      defer { Task { await client.close() } }
      _ = try await ClusterPool.get("default", client: client)
      try await server.store.deleteApp(AuthServer.organization, clientID: "ci", by: .user(subject: "tester"))
      let error = await #expect(throws: ClientError.self) { _ = try await ClusterPool.get("default", client: client) }
      #expect(error?.code == .unauthenticated)
      #expect(error?.message.contains("refused client ci: HTTP 401: invalid_client") == true, "\(String(describing: error))")
      #expect(error?.description.contains(key.secret.revealed) == false)
      #expect(await client.tokensFetched == 2)  // the first token, one renewal: no loop
    }
  }

  @Test func anExternalCommandIsRunAgainAfterUnauthenticated() async throws {
    try await withAuthServer { server in
      let key = try await server.apiKey("ci")
      // first run: a token the server refuses; later runs: the API key itself (a static bearer token)
      let script = try server.directory.write(
        "token.sh",
        "#!/bin/sh\nif [ -f \"$0.ran\" ]; then echo '\(key.encoded)'; else touch \"$0.ran\"; echo not-a-token; fi\n",
        executable: true)
      let client = ControlPlaneClient(settings: server.settings(ClientCredentials(.externalCommand([script]), source: "admin.command")))
      defer { Task { await client.close() } }
      #expect(try await ClusterPool.get("default", client: client).name == "default")
      #expect(await client.tokensFetched == 2)

      let failing = try server.directory.write("fail.sh", "#!/bin/sh\necho 'no login' >&2\nexit 3\n", executable: true)
      let broken = ControlPlaneClient(settings: server.settings(ClientCredentials(.externalCommand([failing]), source: "admin.command")))
      defer { Task { await broken.close() } }
      let error = await #expect(throws: ClientError.self) { _ = try await ClusterPool.get("default", client: broken) }
      #expect(error?.code == .unauthenticated)
      #expect(error?.message.contains("exited with status 3: no login") == true, "\(String(describing: error))")
    }
  }

  @Test func withoutCredentialsTheErrorSaysHowToGiveThem() async throws {
    try await withAuthServer { server in
      let client = ControlPlaneClient(settings: server.settings(nil))
      defer { Task { await client.close() } }
      let error = await #expect(throws: ClientError.self) { _ = try await ClusterPool.get("default", client: client) }
      #expect(error?.code == .unauthenticated)
      #expect(error?.hint?.contains("FLYTE_API_KEY") == true)
    }
  }

  @Test func credentialsAreNotSentInCleartextUnlessAllowed() async throws {
    try await withAuthServer(tls: false) { server in
      let key = try await server.apiKey("ci")
      var settings = server.settings(.apiKey(key, source: "FLYTE_API_KEY"))
      let client = ControlPlaneClient(settings: settings)
      defer { Task { await client.close() } }
      let error = await #expect(throws: ClientError.self) { _ = try await ClusterPool.get("default", client: client) }
      #expect(error?.code == .unauthenticated)
      #expect(error?.hint?.contains("not sent: the connection is cleartext") == true, "\(String(describing: error))")
      #expect(await client.tokensFetched == 0)

      settings.sendsCredentialsInCleartext = true
      let allowed = ControlPlaneClient(settings: settings)
      defer { Task { await allowed.close() } }
      #expect(try await ClusterPool.get("default", client: allowed).name == "default")
    }
  }

  @Test func aViewerKeyReadsButCannotCreate() async throws {
    try await withAuthServer { server in
      let key = try await server.apiKey("reader", policy: "viewer")
      let client = ControlPlaneClient(settings: server.settings(.apiKey(key, source: "FLYTE_API_KEY")))
      defer { Task { await client.close() } }
      _ = try await ClusterPool.get("default", client: client)
      let error = await #expect(throws: ClientError.self) {
        try await ClusterPool.create("prod", objectStoreURI: "s3://prod", secretStoreType: .kubernetes, client: client)
      }
      #expect(error?.code == .permissionDenied)
      #expect(await client.tokensFetched == 1)  // a refusal of the action is no reason for a new token
    }
  }
}
