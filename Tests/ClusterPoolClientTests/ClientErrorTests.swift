import ClusterPoolClient
import Testing

@Suite struct ClientErrorTests {
  @Test func describesItselfAsStatusAndMessage() {
    #expect(ClientError(code: .notFound, message: "cluster pool \"x\" not found").description
      == "NOT_FOUND: cluster pool \"x\" not found")
    #expect(ClientError(code: .internalError, message: "").description == "INTERNAL")
    #expect(ClientError(code: .unavailable, message: "m", hint: "do this").description == "UNAVAILABLE: m\ndo this")
  }

  @Test func onlyTransportFailuresCountAsConnectionFailures() {
    #expect(ClientError(code: .unavailable, message: "cannot connect to h:1: refused").isConnectionFailure)
    #expect(ClientError(code: .unavailable, message: "connection to h:1 closed").isConnectionFailure)
    #expect(!ClientError(code: .unavailable, message: "the store is shutting down").isConnectionFailure)
    #expect(!ClientError(code: .notFound, message: "cannot connect to the moon").isConnectionFailure)
  }

  @Test func aTLSMismatchNamesTheFix() async throws {
    // A TLS client against a port where nothing speaks TLS: the hint names --ca-cert too.
    let client = ControlPlaneClient(
      settings: ConnectionSettings(endpoint: Endpoint(host: "127.0.0.1", port: 1), insecure: false))
    defer { Task { await client.close() } }
    do {
      _ = try await ClusterPool.get("prod", client: client)
      Issue.record("expected a failure")
    } catch let error as ClientError {
      #expect(error.isConnectionFailure)
      #expect(error.hint?.contains("--ca-cert") == true)
      #expect(error.hint?.contains("TLS") == true)
    }
  }
}
