import RPCHTTP2

/// Why the server did not start, worded with the command's own flags
/// (`cannot load --tls-cert /x.pem: no such file`); printed as `Error: ...` with exit status 1.
struct StartupError: Error, CustomStringConvertible {
  let description: String

  init(message: String) { description = message }

  init(_ error: ServerStartError) {
    description =
      switch error.reason {
      case .certificateChain(let path, let cause): "cannot load --tls-cert \(path): \(cause)"
      case .privateKey(let path, let cause): "cannot load --tls-key \(path): \(cause)"
      case .keyMismatch: "--tls-key does not match --tls-cert"
      case .listen(let address, let cause): "cannot listen on \(address): \(cause)"
      }
  }
}
