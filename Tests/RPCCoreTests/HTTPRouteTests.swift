import NIOCore
import Testing

@testable import RPCCore

/// Plain HTTP routes as both transports use them: lookup by path (query ignored), the head's
/// refusals (405 with Allow, 413 by Content-Length), HEAD answered with GET's head only.
@Suite struct HTTPRouteTests {
  let route = HTTPRoute(path: "/oauth2/jwks", methods: ["GET"], maxBodySize: 10) { request in
    HTTPRoute.json(.object([("method", .string(request.method)), ("query", .string(request.query ?? ""))]))
  }

  func request(_ method: String, _ target: String) -> HTTPRouteRequest {
    let (path, query) = HTTPRoutes.split(target)
    return HTTPRouteRequest(
      method: method, path: path, query: query, contentType: nil, authority: "h", fields: [:], body: ByteBuffer(), peer: "p")
  }

  @Test func routesAreFoundByPathWithoutTheQuery() {
    let routes = HTTPRoutes([route])
    #expect(routes[target: "/oauth2/jwks"]?.path == "/oauth2/jwks")
    #expect(routes[target: "/oauth2/jwks?x=1"]?.path == "/oauth2/jwks")
    #expect(routes[target: "/oauth2/jwks/"] == nil && routes[target: "/other"] == nil)
    #expect(HTTPRoutes([])[target: "/oauth2/jwks"] == nil)
    #expect(HTTPRoutes.split("/a?b=c?d") == ("/a", "b=c?d"))
  }

  @Test func theHeadIsCheckedBeforeTheBody() {
    let refused = route.refusal(method: "POST", contentLength: nil)
    #expect(refused?.head?.status == 405 && refused?.head?.first("allow") == "GET, HEAD")
    #expect(route.refusal(method: "GET", contentLength: 11)?.head?.status == 413)
    #expect(route.refusal(method: "GET", contentLength: 10) == nil && route.refusal(method: "HEAD", contentLength: nil) == nil)
  }

  @Test func headGetsTheHeadOfGetAndNoBody() async {
    let get = await route.respond(to: request("GET", "/oauth2/jwks?q=1"))
    #expect(get.head?.status == 200 && get.body.map { String(buffer: $0) } == #"{"method":"GET","query":"q=1"}"#)
    let head = await route.respond(to: request("HEAD", "/oauth2/jwks?q=1"))
    #expect(head.body == nil && head.head?.first("content-length") == String(get.body?.readableBytes ?? -1))
  }
}
