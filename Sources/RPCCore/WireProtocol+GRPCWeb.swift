package import NIOCore

/// The gRPC-Web rules: gRPC's headers and status fields, but the status travels in the body
/// as a last envelope flagged 0x80 whose payload is HTTP/1-style `name: value\r\n` lines, so
/// it works without HTTP trailers (HTTP/1.1, browsers).
package enum GRPCWebWire {
  /// The response `content-type`.
  package static let contentType = "application/grpc-web+proto"
  /// The flag of the trailers envelope.
  package static let trailersFlag: UInt8 = 0x80

  /// Appends the trailers envelope carrying `status` (`nil`: OK).
  package static func appendTrailers(_ status: RPCError?, to out: inout ByteBuffer) {
    let start = out.writerIndex
    out.writeInteger(trailersFlag)
    out.writeInteger(UInt32(0))
    for (name, value) in GRPCWire.statusFields(status) {
      out.writeString(name)
      out.writeString(": ")
      out.writeString(value)
      out.writeString("\r\n")
    }
    out.setInteger(UInt32(out.writerIndex - start - 5), at: start + 1)
  }

  /// The fields of a trailers envelope's payload (names lower-cased; lines without a colon
  /// are skipped).
  package static func trailers(fromPayload payload: ByteBuffer) -> Metadata {
    let text = String(buffer: payload)
    var fields = Metadata()
    for line in text.split(whereSeparator: \.isNewline) {
      guard let colon = line.firstIndex(of: ":") else { continue }
      var value = line[line.index(after: colon)...]
      while value.first == " " { value.removeFirst() }
      fields.add(String(line[..<colon]), String(value))
    }
    return fields
  }
}
