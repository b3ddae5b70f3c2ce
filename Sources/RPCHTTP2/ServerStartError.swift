internal import NIOCore
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Why ``RPCServer/bind()`` could not start the server: a TLS file or the address, each with
/// its cause in words (never NIO's or BoringSSL's own error text).
public struct ServerStartError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What failed.
  public enum Reason: Sendable, Equatable {
    /// The certificate chain file is unreadable or holds no PEM certificate.
    case certificateChain(path: String, cause: String)
    /// The private key file is unreadable or holds no PEM private key.
    case privateKey(path: String, cause: String)
    /// Both files load, but the key is not the certificate's.
    case keyMismatch(certificateChainPath: String, privateKeyPath: String)
    /// The address cannot be listened on (in use, not local, not permitted).
    case listen(address: String, cause: String)
  }

  /// What failed.
  public var reason: Reason

  public init(_ reason: Reason) { self.reason = reason }

  public var description: String {
    switch reason {
    case .certificateChain(let path, let cause): "cannot load the TLS certificate chain \(path): \(cause)"
    case .privateKey(let path, let cause): "cannot load the TLS private key \(path): \(cause)"
    case .keyMismatch(let chain, let key): "the TLS private key \(key) does not match the certificate \(chain)"
    case .listen(let address, let cause): "cannot listen on \(address): \(cause)"
    }
  }

  /// The error binding `host:port` failed with, its cause in words.
  static func listen(host: String, port: Int, _ error: any Error) -> ServerStartError {
    let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    let cause: String =
      switch error {
      case let error as IOError: describe(errno: error.errnoCode)
      case is SocketAddressError.UnknownHost, is SocketAddressError: "unknown host"
      default: "\(error)"
      }
    return ServerStartError(.listen(address: address, cause: cause))
  }

  /// `strerror` in lower case; "no such file" for ENOENT.
  static func describe(errno code: Int32) -> String {
    if code == ENOENT { return "no such file" }
    let text = String(cString: strerror(code))
    return text.prefix(1).lowercased() + text.dropFirst()
  }

  /// Why a file could not be read, in words.
  struct FileUnreadable: Error { var cause: String }

  /// The bytes of the file at `path` (1 MiB at most).
  static func read(_ path: String) throws(FileUnreadable) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw FileUnreadable(cause: describe(errno: errno)) }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16 << 10)
    while true {
      let count = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
      if count == 0 { return bytes }
      if count < 0 {
        if errno == EINTR { continue }
        throw FileUnreadable(cause: describe(errno: errno))
      }
      bytes += chunk[..<count]
      guard bytes.count <= 1 << 20 else { throw FileUnreadable(cause: "larger than 1 MiB: not a PEM file") }
    }
  }
}

#if canImport(Glibc)
private let systemRead = Glibc.read
#elseif canImport(Darwin)
private let systemRead = Darwin.read
#endif
