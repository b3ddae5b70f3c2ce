import ClusterPoolClient
import Foundation
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

/// A deadline names the endpoint, the operation and the timeout: a listening socket that
/// never accepts (the kernel completes the TCP handshake) never answers.
@Suite struct ClientDeadlineTests {
  @Test func aServerThatNeverAnswersHitsTheDeadlineNamingEndpointAndOperation() async throws {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(listener >= 0)
    defer { close(listener) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(listener, pointer, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, pointer, &length) == 0
      }
    }
    try #require(bound)
    let port = Int(UInt16(bigEndian: address.sin_port))
    let client = ControlPlaneClient(
      settings: ConnectionSettings(
        endpoint: Endpoint(host: "127.0.0.1", port: port), insecure: true, callTimeout: .milliseconds(300)))
    let started = ContinuousClock.now
    do {
      _ = try await ClusterPool.get("prod", client: client)
      Issue.record("expected a deadline")
    } catch let error as ClientError {
      #expect(error.code == .deadlineExceeded)
      #expect(
        error.message
          == "no answer from 127.0.0.1:\(port) to ClusterPoolService/Get within 0.3 s; raise --timeout or check the server")
    }
    #expect(ContinuousClock.now - started < .seconds(20))
    await client.close()
  }
}
