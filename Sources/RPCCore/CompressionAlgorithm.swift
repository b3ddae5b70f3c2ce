/// A message compression algorithm, as named in `grpc-encoding` / `grpc-accept-encoding`.
public enum CompressionAlgorithm: String, Sendable, Hashable, CaseIterable {
  /// No compression.
  case identity
  /// gzip (RFC 1952) through zlib.
  case gzip

  /// The algorithm a `grpc-encoding` value names, `nil` when unsupported.
  public init?(encodingName: some StringProtocol) {
    switch encodingName.lowercased() {
    case "identity": self = .identity
    case "gzip": self = .gzip
    default: return nil
    }
  }

  /// Whether a `grpc-accept-encoding` list (comma separated) includes this algorithm.
  public func isAccepted(by acceptEncoding: String?) -> Bool {
    guard let acceptEncoding else { return self == .identity }
    return acceptEncoding.split(separator: ",").contains {
      $0.trimmingSpaces().lowercased() == rawValue
    }
  }

  /// The value this server sends in `grpc-accept-encoding`.
  public static let advertised = "gzip,identity"
}

extension Substring {
  fileprivate func trimmingSpaces() -> Substring {
    var result = self
    while result.first == " " { result.removeFirst() }
    while result.last == " " { result.removeLast() }
    return result
  }
}
