import ClusterPoolProto
import NIOCore
import RPCCore

/// `WireCall` admission, driven as the transports drive it (see `WireCall`'s steps): one
/// choice byte (the message limit), then a request head as text, a blank line, the body:
///
///     POST
///     /cloudidl.clusterpool.ClusterPoolService/Get
///     application/grpc            (an empty line: no content-type)
///     grpc-timeout: 5S            (any number of `name: value` fields)
///
///     <body bytes>
///
/// Promises: a request that is no RPC of ours gets exactly 405 (not POST) or 415 (a content
/// type we do not serve); a timeout fits a deadline (`.now + timeout`, a NIO `TimeAmount`);
/// header problems are `UNIMPLEMENTED` or `INVALID_ARGUMENT`; bad bodies are
/// `RESOURCE_EXHAUSTED`, `INTERNAL` or `INVALID_ARGUMENT`; every answer is a well-formed
/// head (field names and values free of CR, LF and NUL, at most ``maxHeadBytes`` in all)
/// from which a client reads back the status that was sent.
public enum WireCallFuzz: FuzzTarget {
  public static let name = "WireCallFuzz"

  static let limits = [0, 16, 1024, 4 << 20]
  /// Where an answer's fields must fit: grpcio's and nghttp2's default header list limits
  /// start at 8 KiB, so a longer status cannot reach the client (issue 16.1).
  public static let maxHeadBytes = 8192
  static let methods: [String: ProtoMethodInfo] = Dictionary(
    ProtoServices.all.flatMap(\.methods).map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })

  public static func check(_ data: UnsafeRawBufferPointer) throws(FuzzFinding) {
    var input = FuzzInput(data)
    let limit = input.pick(limits)
    let split = Int(input.byte())
    let (head, body) = parse(Array(input.rest()))
    let call: WireCall
    do {
      call = try WireCall(head: head, maxMessageSize: limit)
    } catch {
      let status = error.response.head?.status
      let expected = head.method != "POST" ? 405 : 415
      guard status == expected else {
        throw FuzzFinding("\(head.method) with content-type \(head.contentType ?? "(none)") was refused with \(String(describing: status)), want \(expected)")
      }
      if expected == 415, case .served = WireProtocol.match(contentType: head.contentType) {
        throw FuzzFinding("a served content type \(head.contentType ?? "") was refused with 415")
      }
      try checkAnswer(error.response, call: nil, sent: nil)
      return
    }
    if let timeout = call.timeout {
      guard timeout >= .zero, timeout <= .nanoseconds(Int64.max) else {
        throw FuzzFinding(
          "timeout \(timeout) does not fit a deadline: `.now + timeout` and NIO's TimeAmount overflow (issue 16.0)",
          issue: "16.0")
      }
    }
    guard let method = methods[head.path] else {
      let error = RPCError.unknownMethod(head.path)
      return try checkAnswer(call.end(error, responseStarted: false), call: call, sent: error)
    }
    if let headerError = call.headerError {
      guard headerError.code == .unimplemented || headerError.code == .invalidArgument else {
        throw FuzzFinding("a header problem answered \(headerError): want UNIMPLEMENTED or INVALID_ARGUMENT")
      }
      return try checkAnswer(call.end(headerError, responseStarted: false), call: call, sent: headerError)
    }
    if let failure = try decode(body, split: split, call: call, method: method) {
      return try checkAnswer(call.end(failure, responseStarted: false), call: call, sent: failure)
    }
    var framed = ByteBuffer()
    do {
      try call.framer.frame(ByteBuffer(), into: &framed)
    } catch {
      throw FuzzFinding("an empty reply message does not frame: \(error)")
    }
    try checkAnswer(call.unaryResponse(framed), call: call, sent: nil)
    try checkAnswer(call.end(nil, responseStarted: true), call: call, sent: nil)
  }

  /// The head and body the input describes.
  static func parse(_ bytes: [UInt8]) -> (WireRequestHead, [UInt8]) {
    var end = bytes.count
    var bodyStart = bytes.count
    for i in bytes.indices.dropLast() where bytes[i] == 0x0A && bytes[i + 1] == 0x0A {
      end = i
      bodyStart = i + 2
      break
    }
    let lines = bytes[..<end].split(separator: 0x0A, omittingEmptySubsequences: false).map {
      String(decoding: $0, as: UTF8.self)
    }
    var fields = Metadata()
    for line in lines.dropFirst(3) {
      guard let colon = line.firstIndex(of: ":") else { continue }
      var value = line[line.index(after: colon)...]
      while value.first == " " { value.removeFirst() }
      fields.add(String(line[..<colon]), String(value))
    }
    let contentType = lines.count > 2 && !lines[2].isEmpty ? lines[2] : nil
    let head = WireRequestHead(
      method: lines.first ?? "", path: lines.count > 1 ? lines[1] : "", contentType: contentType, fields: fields)
    return (head, Array(bytes[bodyStart...]))
  }

  /// Feeds the body in two pieces (split at `split`) and decodes each message with the
  /// method's request type; the status a failure ends the call with, `nil` when all decoded.
  static func decode(_ body: [UInt8], split: Int, call: WireCall, method: ProtoMethodInfo) throws(FuzzFinding) -> RPCError? {
    var decoder = call.makeDecoder()
    let cut = body.isEmpty ? 0 : split % (body.count + 1)
    var messages: [ByteBuffer] = []
    do {
      for piece in [body[..<cut], body[cut...]] {
        try decoder.append(ByteBuffer(bytes: piece))
        while let message = try decoder.next() { messages.append(message) }
      }
      if let message = try decoder.finish() { messages.append(message) }
    } catch {
      guard [.resourceExhausted, .internalError, .invalidArgument].contains(error.code) else {
        throw FuzzFinding("a request body failed with \(error): want RESOURCE_EXHAUSTED, INTERNAL or INVALID_ARGUMENT")
      }
      return error
    }
    for message in messages {
      guard message.readableBytes <= call.maxMessageSize else {
        throw FuzzFinding("a \(message.readableBytes)-byte message passed the limit \(call.maxMessageSize)")
      }
      if let error = decodeRequest(method.inputType, message) { return error }
    }
    return nil
  }

  static func decodeRequest<M: ProtoMessage>(_: M.Type, _ message: ByteBuffer) -> RPCError? {
    do {
      _ = try ProtoDeserializer<M>().decodeRequest(message)
      return nil
    } catch {
      return error
    }
  }
}
