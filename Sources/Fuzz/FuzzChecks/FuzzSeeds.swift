import NIOCore
import RPCCore

extension DeframerFuzz {
  /// Envelopes of each kind under each limit: plain, gzip, empty, split, Connect and gRPC-Web
  /// end-of-stream, one past the limit, and a bare body.
  public static var seeds: [[UInt8]] {
    let message = Array("\n\u{9}\u{12}\u{7}default".utf8)
    let plain = envelope(0, message)
    let gzip = envelope(1, compressed(Array(repeating: UInt8(ascii: "a"), count: 300) + message))
    let endStream = envelope(0x02, Array("{\"error\":{\"code\":\"not_found\"}}".utf8))
    let trailers = envelope(0x80, Array("grpc-status: 0\r\n".utf8))
    return [
      [3, 0, 0, 0] + plain + envelope(0, []) + plain,
      [3, 2, 0, 2] + gzip + plain,
      [4, 2, 0, 15] + gzip + gzip,
      [3, 0, 1, 3] + plain + trailers,
      [3, 0, 2, 4] + plain + endStream,
      [1, 0, 0, 0] + envelope(0, Array(repeating: 7, count: 6)),
      [3, 0, 0, 1] + Array(plain.prefix(7)),
      [3, 2, 0, 5] + compressed(message),
    ]
  }

  static func envelope(_ flags: UInt8, _ payload: [UInt8]) -> [UInt8] {
    let n = UInt32(payload.count)
    return [flags, UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] + payload
  }

  static func compressed(_ bytes: [UInt8]) -> [UInt8] {
    var out = ByteBuffer()
    guard (try? Zlib.compress(ByteBuffer(bytes: bytes), into: &out)) != nil else { fatalError("gzip seed") }
    return Array(out.readableBytesView)
  }
}

extension WireCallFuzz {
  /// The requests the interop tests make, one per protocol, plus a few refusals.
  public static var seeds: [[UInt8]] {
    let get = "/cloudidl.clusterpool.ClusterPoolService/Get"
    let body = Array("\n\u{9}\u{12}\u{7}default".utf8)
    let enveloped = DeframerFuzz.envelope(0, body)
    func seed(_ limit: UInt8, _ split: UInt8, _ lines: [String], _ body: [UInt8]) -> [UInt8] {
      [limit, split] + Array(lines.joined(separator: "\n").utf8) + [0x0A, 0x0A] + body
    }
    return [
      seed(2, 3, ["POST", get, "application/grpc", "te: trailers", "grpc-timeout: 5S", "grpc-accept-encoding: gzip"], enveloped),
      seed(2, 9, ["POST", get, "application/grpc-web+proto", "grpc-encoding: gzip", "x-user: a"], DeframerFuzz.envelope(1, DeframerFuzz.compressed(body))),
      seed(2, 1, ["POST", get, "application/proto", "connect-protocol-version: 1", "connect-timeout-ms: 2500", "accept-encoding: gzip;q=1, identity"], body),
      seed(2, 0, ["POST", get, "application/proto", "content-encoding: gzip"], DeframerFuzz.compressed(body)),
      seed(2, 4, ["POST", "/cloudidl.cluster.ClusterService/WatchClusters", "application/connect+proto", "connect-content-encoding: identity"], enveloped),
      seed(1, 0, ["POST", "/cloudidl.queue.QueueService/GetQueue", "application/grpc+proto", "grpc-timeout: 100m"], enveloped),
      seed(2, 0, ["POST", "/no.such.Service/Method", "application/grpc"], []),
      seed(2, 0, ["GET", get, "application/grpc"], []),
      seed(2, 0, ["POST", get, "application/json"], []),
      seed(2, 0, ["POST", get, "application/proto", "connect-protocol-version: 2"], body),
    ]
  }
}
