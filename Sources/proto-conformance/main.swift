// Conformance testee for Tests/interop/test_proto_roundtrip.py: decodes protobuf bytes with the
// generated Swift types (through protobuf-c) and re-encodes them.
//
// stdin, repeated until EOF:  [u32 BE name length][name, UTF-8][u32 BE payload length][payload]
// stdout, one per request:    [u8 status][u32 BE length][re-encoded bytes, or the error text]
// status: 0 ok, 1 decode error, 2 encode error, 3 unknown message type.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import ClusterPoolProto

/// Reads exactly `count` bytes from stdin; nil at a clean EOF before the first byte.
func readExactly(_ count: Int) -> [UInt8]? {
  var buffer = [UInt8](repeating: 0, count: count)
  var filled = 0
  while filled < count {
    let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress! + filled, count - filled) }
    if n < 0 && errno == EINTR { continue }
    if n <= 0 {
      if filled == 0 { return nil }
      fatalError("proto-conformance: stdin ended inside a frame")
    }
    filled += n
  }
  return buffer
}

func readLength() -> Int? {
  guard let b = readExactly(4) else { return nil }
  return Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
}

func writeAll(_ bytes: [UInt8]) {
  var written = 0
  while written < bytes.count {
    let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + written, bytes.count - written) }
    if n < 0 && errno == EINTR { continue }
    guard n > 0 else { exit(1) }
    written += n
  }
}

func reply(_ status: UInt8, _ body: [UInt8]) {
  let n = UInt32(body.count)
  writeAll([status, UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] + body)
}

while let nameLength = readLength() {
  let name = String(decoding: readExactly(nameLength) ?? [], as: UTF8.self)
  guard let payloadLength = readLength() else { fatalError("proto-conformance: stdin ended inside a frame") }
  let payload = payloadLength == 0 ? [] : (readExactly(payloadLength) ?? [])
  guard let type = ProtoRegistry.messageTypes[name] else {
    reply(3, Array("unknown message type \(name)".utf8))
    continue
  }
  let message: any ProtoMessage
  do {
    message = try type.init(serializedBytes: payload)
  } catch {
    reply(1, Array("\(error)".utf8))
    continue
  }
  do {
    reply(0, try message.serializedBytes())
  } catch {
    reply(2, Array("\(error)".utf8))
  }
}
