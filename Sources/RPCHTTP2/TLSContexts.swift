internal import NIOSSL

/// Builds NIOSSL contexts from the configurations: the server offers ALPN `h2` and
/// `http/1.1` (HTTP/2 preferred), the client asks for `h2`.
enum TLSContexts {
  /// Loads the server's certificate chain and key; a failure is a ``ServerStartError`` naming
  /// the file and the cause (unreadable, not PEM, or a key that is not the certificate's).
  static func server(_ tls: ServerConfiguration.ServerTLS) throws(ServerStartError) -> NIOSSLContext {
    let chainPath = tls.certificateChainPath
    let keyPath = tls.privateKeyPath
    let chainBytes: [UInt8]
    let keyBytes: [UInt8]
    do {
      chainBytes = try ServerStartError.read(chainPath)
    } catch {
      throw ServerStartError(.certificateChain(path: chainPath, cause: error.cause))
    }
    let chain = (try? NIOSSLCertificate.fromPEMBytes(chainBytes)) ?? []
    guard !chain.isEmpty else {
      throw ServerStartError(.certificateChain(path: chainPath, cause: "no PEM certificate in it"))
    }
    do {
      keyBytes = try ServerStartError.read(keyPath)
    } catch {
      throw ServerStartError(.privateKey(path: keyPath, cause: error.cause))
    }
    guard let key = try? NIOSSLPrivateKey(bytes: keyBytes, format: .pem) else {
      throw ServerStartError(.privateKey(path: keyPath, cause: "no unencrypted PEM private key in it"))
    }
    var configuration = TLSConfiguration.makeServerConfiguration(
      certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    configuration.applicationProtocols = ["h2", "http/1.1"]
    do {
      return try NIOSSLContext(configuration: configuration)
    } catch {
      // Both parsed: BoringSSL refuses a key whose public half is not the leaf's.
      throw ServerStartError(.keyMismatch(certificateChainPath: chainPath, privateKeyPath: keyPath))
    }
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
