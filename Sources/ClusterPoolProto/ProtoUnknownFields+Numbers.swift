extension ProtoUnknownFields {
  /// The numbers of the fields held, each once, in the order first seen (empty when the bytes
  /// are not whole fields, which decoding never produces).
  public var fieldNumbers: [Int] {
    bytes.withUnsafeBytes { buffer in
      var numbers: [Int] = []
      var p = 0
      while p < buffer.count {
        guard let span = try? ProtoWire.nextField(buffer, &p) else { break }
        if !numbers.contains(span.number) { numbers.append(span.number) }
      }
      return numbers
    }
  }
}
