public import NIOSSL
public import PostgresNIO

extension PostgresURL {
  /// The postgres-nio client configuration for this URL: endpoint, credentials, TLS by
  /// ``sslMode``, the connect timeout. Throws ``PostgresURLError`` when `sslrootcert` cannot be read.
  public func clientConfiguration() throws(PostgresURLError) -> PostgresClient.Configuration {
    var configuration = PostgresClient.Configuration(
      host: host, port: port, username: user, password: password, database: database, tls: try tls())
    configuration.options.connectTimeout = .seconds(connectTimeoutSeconds)
    return configuration
  }

  /// The TLS setting of ``sslMode`` (see its table).
  public func tls() throws(PostgresURLError) -> PostgresClient.Configuration.TLS {
    switch sslMode {
    case .disable: .disable
    case .prefer: .prefer(try tlsConfiguration())
    case .require, .verifyCA, .verifyFull: .require(try tlsConfiguration())
    }
  }

  /// The NIOSSL client configuration of ``sslMode``: no certificate check for `prefer` and
  /// `require` (as libpq without a root certificate), the chain for `verify-ca`, chain and
  /// host name for `verify-full`; trusting `sslrootcert` when given, else the system's roots.
  public func tlsConfiguration() throws(PostgresURLError) -> TLSConfiguration {
    var configuration = TLSConfiguration.makeClientConfiguration()
    switch sslMode {
    case .disable, .prefer, .require: configuration.certificateVerification = .none
    case .verifyCA: configuration.certificateVerification = .noHostnameVerification
    case .verifyFull: configuration.certificateVerification = .fullVerification
    }
    if let sslRootCertificate, sslMode == .verifyCA || sslMode == .verifyFull {
      do {
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(sslRootCertificate))
      } catch {
        throw PostgresURLError("cannot read sslrootcert \(sslRootCertificate): \(error)")
      }
    }
    return configuration
  }
}
