import ClusterPoolProto
import NIOCore
import RPCCore

/// The protobuf decode of every request type, as the server decodes requests
/// (`ProtoDeserializer.decodeRequest`): the first byte picks the type from ``requestTypes``,
/// the rest is the body.
///
/// Promises: bad bytes are `INVALID_ARGUMENT` (or `RESOURCE_EXHAUSTED` for size), never a
/// crash; what decodes re-encodes, and the re-encoding decodes to the same message and
/// encodes to the same bytes again.
public enum ProtoDecodeFuzz: FuzzTarget {
  public static let name = "ProtoDecodeFuzz"

  /// The input type of every method of every service in proto/, sorted by full name.
  public static let requestTypes: [any ProtoMessage.Type] = {
    var byName: [String: any ProtoMessage.Type] = [:]
    for service in ProtoServices.all {
      for method in service.methods { byName[method.inputTypeName] = method.inputType }
    }
    return byName.keys.sorted().map { byName[$0]! }
  }()

  public static func check(_ data: UnsafeRawBufferPointer) throws(FuzzFinding) {
    var input = FuzzInput(data)
    let type = input.pick(requestTypes)
    try roundTrip(type, ByteBuffer(bytes: input.rest()))
  }

  static func roundTrip<M: ProtoMessage>(_: M.Type, _ body: ByteBuffer) throws(FuzzFinding) {
    let name = M.protoMessageName
    let decoded: M
    do {
      decoded = try ProtoDeserializer<M>().decodeRequest(body)
    } catch {
      guard error.code == .invalidArgument || error.code == .resourceExhausted else {
        throw FuzzFinding("\(name): a bad request body must be INVALID_ARGUMENT or RESOURCE_EXHAUSTED, got \(error)")
      }
      return
    }
    let encoded: [UInt8]
    do {
      encoded = try decoded.serializedBytes()
    } catch {
      throw FuzzFinding("\(name): decoded but cannot be encoded again: \(error)")
    }
    let again: M
    do {
      again = try M(serializedBytes: encoded)
    } catch {
      throw FuzzFinding("\(name): its own encoding \(hex(encoded)) does not decode: \(error)")
    }
    guard again == decoded else {
      throw FuzzFinding("\(name): decode(encode(m)) != m\n  m: \(decoded)\n  after: \(again)")
    }
    let reencoded: [UInt8]
    do {
      reencoded = try again.serializedBytes()
    } catch {
      throw FuzzFinding("\(name): decoded its own encoding but cannot encode it again: \(error)")
    }
    guard reencoded == encoded else {
      throw FuzzFinding("\(name): encoding is not stable: \(hex(encoded)) then \(hex(reencoded))")
    }
  }
}

/// Bytes as hex, the first 256 of them.
func hex(_ bytes: some Collection<UInt8>) -> String {
  let shown = bytes.prefix(256).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
  return shown.joined() + (bytes.count > 256 ? "... (\(bytes.count) bytes)" : "")
}
