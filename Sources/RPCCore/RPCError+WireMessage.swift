extension RPCError {
  /// Bytes of UTF-8 of a message that a status carries at most: `grpc-message` travels in a
  /// header field, which peers bound (grpcio warns past 8 KiB, and percent-encoding can triple
  /// the size), and a message that echoes client input must not grow with it.
  public static let maxWireMessageBytes = 1024

  /// `message` as it goes on the wire: whole when it fits in `maxWireMessageBytes`, otherwise
  /// cut at a character boundary and ended with `… (N bytes in all)`.
  public var wireMessage: String {
    let utf8 = message.utf8
    guard utf8.count > Self.maxWireMessageBytes else { return message }
    var kept = Substring.UnicodeScalarView()
    var bytes = 0
    for scalar in message.unicodeScalars {
      let size = UTF8.width(scalar)
      if bytes + size > Self.maxWireMessageBytes - 32 { break }
      kept.append(scalar)
      bytes += size
    }
    return String(kept) + "… (\(utf8.count) bytes in all)"
  }
}
