import NIOCore
import RPCCore

/// The envelope deframer of gRPC, gRPC-Web and Connect streaming requests
/// (`GRPCMessageDeframer`) and Connect unary's bare body (`WireRequestDecoder`). Four choice
/// bytes (message limit, request encoding, end-of-stream flag, chunk size), then the body.
///
/// Promises: the same messages and the same error whether the body comes at once or in
/// chunks; no message past the limit; every byte accounted for (returned in an envelope or
/// still buffered); errors only `RESOURCE_EXHAUSTED`, `INTERNAL` or `INVALID_ARGUMENT`;
/// what comes out frames (`GRPCMessageFramer`) and deframes to itself.
public enum DeframerFuzz: FuzzTarget {
  public static let name = "DeframerFuzz"

  static let limits = [0, 5, 64, 1024, 1 << 16]
  static let encodings: [CompressionAlgorithm?] = [nil, .identity, .gzip]
  static let endFlags: [UInt8?] = [nil, 0x80, 0x02]

  /// What one pass over a body produced.
  struct Outcome: Equatable {
    var messages: [[UInt8]] = []
    var payloadBytes = 0
    var error: RPCError?
    var buffered = 0
  }

  public static func check(_ data: UnsafeRawBufferPointer) throws(FuzzFinding) {
    var input = FuzzInput(data)
    let limit = input.pick(limits)
    let encoding = input.pick(encodings)
    let endFlag = input.pick(endFlags)
    let chunk = Int(input.byte() % 16) + 1
    let body = Array(input.rest())
    let make = { GRPCMessageDeframer(maxMessageSize: limit, encoding: encoding, endOfStreamFlag: endFlag) }

    let whole = try deframe(make(), [body], limit: limit)
    let chunks = stride(from: 0, to: body.count, by: chunk).map { Array(body[$0..<min($0 + chunk, body.count)]) }
    let pieces = try deframe(make(), chunks, limit: limit)
    guard whole == pieces else {
      throw FuzzFinding("deframing in \(chunk)-byte chunks differs from the whole body: \(pieces) vs \(whole)")
    }
    if whole.error == nil, whole.payloadBytes + whole.buffered != body.count {
      throw FuzzFinding("\(body.count) bytes in, \(whole.payloadBytes) in envelopes + \(whole.buffered) buffered")
    }
    for message in whole.messages where encoding != .identity {
      try reframe(message, encoding: encoding, limit: limit)
    }
    try bare(chunks, total: body.count, encoding: encoding, limit: limit)
  }

  static func deframe(_ start: GRPCMessageDeframer, _ chunks: [[UInt8]], limit: Int) throws(FuzzFinding) -> Outcome {
    var deframer = start
    var outcome = Outcome()
    do {
      for chunk in chunks {
        deframer.append(ByteBuffer(bytes: chunk))
        while let envelope = try deframer.nextEnvelope() {
          outcome.payloadBytes += 5 + envelope.payload.readableBytes
          let message = try envelope.message()
          guard message.readableBytes <= limit else {
            throw FuzzFinding("a message of \(message.readableBytes) bytes came out past the limit of \(limit)")
          }
          outcome.messages.append(Array(message.readableBytesView))
        }
      }
    } catch let error as RPCError {
      try allowed(error)
      outcome.error = error
      return outcome
    } catch let finding as FuzzFinding {
      throw finding
    } catch {
      throw FuzzFinding("the deframer threw \(error), not an RPCError")
    }
    outcome.buffered = deframer.bufferedBytes
    guard deframer.hasPartialMessage == (outcome.buffered > 0) else {
      throw FuzzFinding("hasPartialMessage \(deframer.hasPartialMessage) with \(outcome.buffered) bytes buffered")
    }
    return outcome
  }

  /// A message that came out frames and deframes to itself with the same encoding.
  static func reframe(_ message: [UInt8], encoding: CompressionAlgorithm?, limit: Int) throws(FuzzFinding) {
    let framer = GRPCMessageFramer(compression: encoding, minimumCompressedSize: 0, maxMessageSize: limit)
    var framed = ByteBuffer()
    do {
      try framer.frame(ByteBuffer(bytes: message), into: &framed)
    } catch {
      throw FuzzFinding("a \(message.count)-byte message within the limit \(limit) does not frame: \(error)")
    }
    // The limit applies to what travels too: a message whose gzip is longer than the limit is
    // refused like any other long envelope (as grpc-go does), so only shorter ones come back.
    guard framed.readableBytes - 5 <= limit else { return }
    var deframer = GRPCMessageDeframer(maxMessageSize: limit, encoding: encoding)
    deframer.append(framed)
    let back: ByteBuffer?
    do {
      back = try deframer.next()
    } catch {
      throw FuzzFinding("a framed \(message.count)-byte message (limit \(limit), \(String(describing: encoding))) does not deframe: \(error)")
    }
    guard let back, Array(back.readableBytesView) == message, !deframer.hasPartialMessage else {
      throw FuzzFinding("framing then deframing changed a \(message.count)-byte message (\(String(describing: encoding)))")
    }
  }

  /// Connect unary: the body collected whole, never past the limit, inflated at the end.
  static func bare(_ chunks: [[UInt8]], total: Int, encoding: CompressionAlgorithm?, limit: Int) throws(FuzzFinding) {
    var decoder = WireRequestDecoder(bareBodyLimit: limit, encoding: encoding)
    do {
      for chunk in chunks {
        try decoder.append(ByteBuffer(bytes: chunk))
        guard try decoder.next() == nil else { throw FuzzFinding("a bare body gave a message before its end") }
      }
      guard let message = try decoder.finish() else { throw FuzzFinding("a bare body's finish() gave no message") }
      guard total <= limit else { throw FuzzFinding("a \(total)-byte bare body past the limit \(limit) was accepted") }
      guard message.readableBytes <= limit else {
        throw FuzzFinding("a bare body inflated to \(message.readableBytes) bytes past the limit \(limit)")
      }
      if encoding != .gzip || total == 0, Array(message.readableBytesView) != chunks.flatMap({ $0 }) {
        throw FuzzFinding("an uncompressed bare body came out changed")
      }
    } catch let error as RPCError {
      try allowed(error)
      if error.code == .resourceExhausted, total <= limit, encoding != .gzip {
        throw FuzzFinding("a \(total)-byte bare body within the limit \(limit) was refused: \(error)")
      }
    } catch let finding as FuzzFinding {
      throw finding
    } catch {
      throw FuzzFinding("the bare decoder threw \(error), not an RPCError")
    }
  }

  static func allowed(_ error: RPCError) throws(FuzzFinding) {
    guard [.resourceExhausted, .internalError, .invalidArgument].contains(error.code) else {
      throw FuzzFinding("a request body failed with \(error): want RESOURCE_EXHAUSTED, INTERNAL or INVALID_ARGUMENT")
    }
  }
}
