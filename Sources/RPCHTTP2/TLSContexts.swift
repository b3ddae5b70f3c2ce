internal import NIOSSL

/// Builds NIOSSL contexts from the configurations: the server offers ALPN `h2` and
/// `http/1.1` (HTTP/2 preferred), the client asks for `h2`.
enum TLSContexts {
  static func server(_ tls: ServerConfiguration.ServerTLS) throws -> NIOSSLContext {
    let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChainPath).map {
      NIOSSLCertificateSource.certificate($0)
    }
    let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
    var configuration = TLSConfiguration.makeServerConfiguration(
      certificateChain: chain, privateKey: .privateKey(key))
    configuration.applicationProtocols = ["h2", "http/1.1"]
    return try NIOSSLContext(configuration: configuration)
  }

  static func client(_ tls: ClientConfiguration.ClientTLS) throws -> NIOSSLContext {
    var configuration = TLSConfiguration.makeClientConfiguration()
    if let path = tls.caCertificatePath {
      configuration.trustRoots = .file(path)
    }
    configuration.applicationProtocols = ["h2"]
    return try NIOSSLContext(configuration: configuration)
  }
}
