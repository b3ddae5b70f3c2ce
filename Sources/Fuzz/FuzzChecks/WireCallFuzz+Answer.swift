import NIOCore
import RPCCore

extension WireCallFuzz {
  /// An answer's head and trailers are well-formed and small enough for a client to read, and
  /// a client reading it back gets the status that was sent (`sent`; `nil`: OK or a bare
  /// HTTP refusal when `call` is nil).
  static func checkAnswer(_ response: WireResponse, call: WireCall?, sent: RPCError?) throws(FuzzFinding) {
    var headBytes = 0
    for (name, value) in (response.head?.fields ?? []) + (response.trailers ?? []) {
      guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }),
        name == name.lowercased()
      else { throw FuzzFinding("an answer has the malformed field name \(name.debugDescription)") }
      guard !value.utf8.contains(where: { $0 == 0 || $0 == 0x0A || $0 == 0x0D }) else {
        throw FuzzFinding("field \(name) of an answer carries CR, LF or NUL: \(value.debugDescription)")
      }
      headBytes += name.utf8.count + value.utf8.count + 32
    }
    guard headBytes <= maxHeadBytes else {
      throw FuzzFinding(
        "an answer's fields take \(headBytes) bytes, past the \(maxHeadBytes) a client reads: messages must quote "
          + "client input only up to a bounded length (issue 16.1)", issue: "16.1")
    }
    if let status = response.head?.status, !(100..<600).contains(status) {
      throw FuzzFinding("an answer has HTTP status \(status)")
    }
    guard let call else { return }
    let read = try readBack(response, wire: call.wireProtocol)
    guard let read else { return }
    let expected = sent ?? RPCError(code: .ok, message: "")
    // Long messages may be shortened on the way (issue 16.1: quote client input only up to a
    // bounded length); short ones arrive exactly.
    guard read.code == expected.code, read.message == expected.message || expected.message.utf8.count > 1024 else {
      throw FuzzFinding("a client reads \(read) from an answer that sent \(expected) over \(call.wireProtocol)")
    }
  }

  /// The status a client reads from an answer: `nil` when this piece carries none (a success
  /// head whose status comes later).
  static func readBack(_ response: WireResponse, wire: WireProtocol) throws(FuzzFinding) -> RPCError? {
    switch wire {
    case .grpc:
      let fields = response.trailers ?? response.head?.fields ?? []
      guard fields.contains(where: { $0.0 == "grpc-status" }) else { return nil }
      return GRPCWire.status(fromTrailers: Metadata(fields)) ?? RPCError(code: .ok, message: "")
    case .grpcWeb, .connectStreaming:
      guard var body = response.body, body.readableBytes > 0 else { return nil }
      var last: ByteBuffer?
      while body.readableBytes >= 5 {
        let length = Int(body.getInteger(at: body.readerIndex + 1, as: UInt32.self)!)
        body.moveReaderIndex(forwardBy: 5)
        guard let payload = body.readSlice(length: length) else { throw FuzzFinding("a truncated envelope in an answer") }
        last = payload
      }
      guard body.readableBytes == 0, let last else { throw FuzzFinding("an answer's body is not whole envelopes") }
      if wire == .connectStreaming {
        return ConnectWire.status(fromEndStream: last) ?? RPCError(code: .ok, message: "")
      }
      return GRPCWire.status(fromTrailers: GRPCWebWire.trailers(fromPayload: last)) ?? RPCError(code: .ok, message: "")
    case .connectUnary:
      guard let head = response.head else { return nil }
      if head.status == 200 { return RPCError(code: .ok, message: "") }
      return ConnectWire.error(httpStatus: head.status, body: response.body ?? ByteBuffer())
    }
  }
}
