import NIOCore
@testable import RPCCore
import Testing

@Suite struct WireCallGRPCWebTests {
  private func call(_ fields: [(String, String)] = []) throws -> WireCall {
    try WireCall(
      head: WireRequestHead(
        method: "POST", path: "/p.S/M", contentType: "application/grpc-web+proto",
        fields: Metadata(fields)),
      maxMessageSize: 1024)
  }

  private func envelopes(_ body: ByteBuffer) throws -> [GRPCEnvelope] {
    var deframer = GRPCMessageDeframer(maxMessageSize: 4096, endOfStreamFlag: GRPCWebWire.trailersFlag)
    deframer.append(body)
    var out: [GRPCEnvelope] = []
    while let envelope = try deframer.nextEnvelope() { out.append(envelope) }
    #expect(!deframer.hasPartialMessage)
    return out
  }

  @Test func bothContentTypesAreGRPCWeb() throws {
    #expect(WireProtocol(contentType: "application/grpc-web") == .grpcWeb)
    #expect(WireProtocol(contentType: "application/grpc-web+proto") == .grpcWeb)
    #expect(WireProtocol.match(contentType: "application/grpc-web-text") == .unsupportedCodec)
    #expect(WireProtocol(contentType: "application/grpc") == .grpc)
  }

  @Test func grpcFieldsNegotiate() throws {
    let call = try call([
      ("grpc-encoding", "gzip"), ("grpc-accept-encoding", "identity,gzip"), ("grpc-timeout", "2S"),
      ("x-user", "u"),
    ])
    #expect(call.requestEncoding == .gzip)
    #expect(call.responseEncoding == .gzip)
    #expect(call.framer.compression == .gzip)
    #expect(call.framer.isEnveloped)
    #expect(call.timeout == .seconds(2))
    #expect(call.metadata.first("x-user") == "u")
    #expect(call.metadata.first("grpc-timeout") == nil)
    #expect(try self.call([("grpc-encoding", "snappy")]).headerError?.code == .unimplemented)
  }

  @Test func unaryAnswerCarriesItsTrailersInTheBody() throws {
    let call = try call()
    var framed = ByteBuffer()
    try call.framer.frame(ByteBuffer(bytes: [1, 2]), into: &framed)
    let response = call.unaryResponse(framed)
    #expect(response.head?.status == 200)
    #expect(response.head?.first("content-type") == "application/grpc-web+proto")
    #expect(response.trailers == nil)
    let parts = try envelopes(response.body!)
    #expect(parts.count == 2)
    #expect(parts[0].payload == ByteBuffer(bytes: [1, 2]))
    #expect(parts[1].isEndOfStream)
    #expect(String(buffer: parts[1].payload) == "grpc-status: 0\r\n")
  }

  @Test func errorsGoInTheTrailersFrameWithAPercentEncodedMessage() throws {
    let error = RPCError(code: .alreadyExists, message: "pool prod exists: 100%")
    let response = try call().end(error, responseStarted: false)
    #expect(response.head?.status == 200)
    let parts = try envelopes(response.body!)
    #expect(parts.count == 1)
    let trailers = GRPCWebWire.trailers(fromPayload: parts[0].payload)
    #expect(trailers.first("grpc-status") == "6")
    #expect(trailers.first("grpc-message") == "pool prod exists: 100%25")
    #expect(GRPCWire.status(fromTrailers: trailers) == error)
    #expect(try call().end(error, responseStarted: true).head == nil)
  }

  @Test func plainGRPCKeepsHTTP2Trailers() throws {
    let grpc = try WireCall(
      head: WireRequestHead(method: "POST", path: "/p.S/M", contentType: "application/grpc", fields: [:]),
      maxMessageSize: 1024)
    let started = grpc.end(RPCError(code: .notFound, message: "x"), responseStarted: true)
    #expect(started.head == nil && started.body == nil)
    #expect(started.trailers?.first { $0.0 == "grpc-status" }?.1 == "5")
    let trailersOnly = grpc.end(nil, responseStarted: false)
    #expect(trailersOnly.head?.first("grpc-status") == "0")
    #expect(trailersOnly.trailers == nil)
  }
}
