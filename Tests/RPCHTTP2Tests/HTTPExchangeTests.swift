import NIOCore
import RPCCore
import RPCHTTP2
import Testing
import RPCTestSupport

/// `RPCClient.exchange`: a plain HTTP request on the client's HTTP/2 connection, next to its
/// calls (the token endpoint of our clients' credentials): the status, fields and whole body of
/// the server's route, an error status as an answer, a body over the limit refused.
@Suite struct HTTPExchangeTests {
  static func start(maxMessageSize: Int = 1 << 20) async throws -> (RPCServer, RPCClient, Task<Void, any Error>) {
    let registry = MethodRegistry()
    registry.register(HTTPRoute(path: "/form", methods: ["POST"]) { request in
      let body = String(buffer: request.body)
      return HTTPRoute.json(
        .object([("got", .string(body)), ("type", .string(request.contentType ?? "")),
                 ("auth", .string(request.fields.first("authorization") ?? ""))]),
        fields: [("x-route", "form")])
    })
    registry.register(HTTPRoute(path: "/big", methods: ["GET"]) { _ in
      WireResponse(head: WireResponseHead(status: 200, fields: []), body: ByteBuffer(repeating: 0x61, count: 70_000))
    })
    let server = RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: 0, eventLoopThreads: 1), registry: registry,
      logger: TestServer.logger)
    let task = Task { try await server.run() }
    let address = try await server.listeningAddress
    let client = RPCClient(
      configuration: ClientConfiguration(host: "127.0.0.1", port: address.port, maxMessageSize: maxMessageSize),
      logger: TestServer.logger)
    return (server, client, task)
  }

  @Test func aRoutesAnswerComesWhole() async throws {
    let (_, client, task) = try await Self.start()
    defer { task.cancel() }
    let answer = try await client.exchange(
      HTTPExchangeRequest(
        method: "POST", path: "/form",
        fields: ["content-type": "application/x-www-form-urlencoded", "authorization": "Basic eDp5"],
        body: Array("grant_type=client_credentials".utf8)),
      timeout: .seconds(10))
    #expect(answer.status == 200 && answer.fields.first("x-route") == "form")
    let text = String(decoding: answer.body, as: UTF8.self)
    #expect(text.contains(#""got":"grant_type=client_credentials""#), "\(text)")
    #expect(text.contains(#""auth":"Basic eDp5""#) && text.contains("x-www-form-urlencoded"), "\(text)")

    let big = try await client.exchange(HTTPExchangeRequest(method: "GET", path: "/big"), timeout: .seconds(10))
    #expect(big.status == 200 && big.body.count == 70_000)
    let missing = try await client.exchange(HTTPExchangeRequest(method: "POST", path: "/nowhere"), timeout: .seconds(10))
    #expect(missing.status != 200)
    let wrongMethod = try await client.exchange(HTTPExchangeRequest(method: "GET", path: "/form"), timeout: .seconds(10))
    #expect(wrongMethod.status == 405 && wrongMethod.fields.first("allow") == "POST")
    await client.close()
  }

  @Test func aBodyOverTheLimitIsRefused() async throws {
    let (_, client, task) = try await Self.start(maxMessageSize: 64 << 10)
    defer { task.cancel() }
    let error = await rpcError { _ = try await client.exchange(HTTPExchangeRequest(method: "GET", path: "/big"), timeout: .seconds(10)) }
    #expect(error?.code == .resourceExhausted && error?.message.contains("exceeds 65536 bytes") == true, "\(String(describing: error))")
    await client.close()
  }
}
