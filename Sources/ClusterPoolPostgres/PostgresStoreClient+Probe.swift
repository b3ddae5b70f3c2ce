internal import NIOSSL
internal import PostgresNIO

extension PostgresStoreClient {
  /// Why no connection can be had, from one direct attempt (2 s at most), or nil when the
  /// attempt succeeds: what the pool retrying in the background does not tell its callers.
  func probe() async -> String? {
    do {
      let tls: PostgresConnection.Configuration.TLS
      switch url.sslMode {
      case .disable: tls = .disable
      case .prefer: tls = .prefer(try NIOSSLContext(configuration: try url.tlsConfiguration()))
      case .require, .verifyCA, .verifyFull: tls = .require(try NIOSSLContext(configuration: try url.tlsConfiguration()))
      }
      var configuration = PostgresConnection.Configuration(
        host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
      configuration.options.connectTimeout = .seconds(2)
      let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
      try? await connection.close()
      return nil
    } catch {
      return PostgresDatabaseError(error, "", on: url).reason
    }
  }
}

