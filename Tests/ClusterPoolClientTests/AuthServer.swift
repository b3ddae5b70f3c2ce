import ClusterPoolAuth
import ClusterPoolClient
import ClusterPoolDomain
import ClusterPoolServer
import ClusterPoolStore
import ClusterPoolTesting
import Foundation
import Logging
import RPCHTTP2

/// A real server with authorization enforced (``LocalServer`` with auth on: the services of
/// `clusterpool-server --auth on`, in-memory store), over TLS with a certificate from
/// `tools/dev-cert` unless `tls` is `false`.
struct AuthServer {
  let server: LocalServer
  let tls: Bool
  let directory: TemporaryDirectory
  static let organization = try! Organization(validating: "acme")

  var port: Int { server.port }
  var store: PoolStore { server.assembly.store }

  /// Client settings for this server with `credentials`.
  func settings(_ credentials: ClientCredentials?) -> ConnectionSettings {
    var settings = ConnectionSettings(
      endpoint: Endpoint(host: "localhost", port: port), insecure: !tls, caCertificatePath: server.settings.caCertificatePath,
      organization: "acme", endpointSource: "test")
    settings.credentials = credentials
    return settings
  }

  /// A new API key of organization acme holding `policy` (`admin`, `viewer`, ...).
  func apiKey(_ clientID: String, policy: String = "admin") async throws -> FlyteAPIKey {
    let (_, secret) = try await store.createApp(
      Self.organization, clientID: clientID, AppRegistration(), defaultPolicy: policy, by: .user(subject: "tester"))
    return FlyteAPIKey(endpoint: "localhost:\(port)", clientID: clientID, secret: secret, organization: "acme")
  }
}

func withAuthServer(tls: Bool = true, tokenLifetime: Int64 = 3600, _ body: (AuthServer) async throws -> Void) async throws {
  let directory = try TemporaryDirectory()
  defer { directory.remove() }
  var options = LocalServer.Options(organization: "acme", auth: true)
  options.defaultObjectStoreURI = "s3://shared-default"
  options.tokenLifetime = tokenLifetime
  options.tokenClockSkew = 0
  if tls {
    try makeDevCertificate(in: directory.path)
    options.tls = .init(
      certificateChainPath: directory.path + "/server.pem", privateKeyPath: directory.path + "/server.key",
      caCertificatePath: directory.path + "/ca.pem")
  }
  try await LocalServer.run(options) { server in
    try await body(AuthServer(server: server, tls: tls, directory: directory))
  }
}

/// `tools/dev-cert DIR`: a CA (`ca.pem`) and a leaf for localhost (`server.pem`, `server.key`).
func makeDevCertificate(in directory: String) throws {
  let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("tools/dev-cert")
  let process = Process()
  process.executableURL = script
  process.arguments = [directory]
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw ClientError(code: .internalError, message: "tools/dev-cert exited \(process.terminationStatus)")
  }
}
