import ClusterPoolDomain
import ClusterPoolServer
import ClusterPoolStore
import Foundation
import Logging

/// The first administrator of a store with auth on: on a store holding no app, user or
/// assignment, an app `bootstrap-admin` of the default organization given the built-in
/// `admin` policy, its `FLYTE_API_KEY` written to a file only its owner reads (mode 0600).
/// Only the file's path is logged, never the key.
struct BootstrapCredentials {
  static let clientID = BootstrapAdmin.clientID

  /// `--bootstrap-credentials`, else beside the database.
  static func path(option: String?, database: DatabaseLocation) -> String {
    if let option { return option }
    if case .sqlite(let path) = database { return path + ".bootstrap-credentials" }
    return "clusterpool.bootstrap-credentials"
  }

  /// The host an API key names (the official client splits the key on its first three
  /// colons, so no port): `--public-url`'s host, else the listening host (`localhost` for a
  /// wildcard or IPv6 one).
  static func endpoint(publicURL: String?, host: String) -> String {
    if let publicURL, let url = URL(string: publicURL), let name = url.host, !name.contains(":") { return name }
    return host == "0.0.0.0" || host.contains(":") ? "localhost" : host
  }

  /// Makes the admin app and writes its key to `path` when `store` holds no identity yet;
  /// returns whether it did. The file is created (mode 0600) before the app, so that a path it
  /// cannot write stops the start with no app made (and the next start tries again).
  static func createIfEmpty(
    store: any AccessStore, organization: Organization, actor: Identity, path: String, endpoint: String, logger: Logger
  ) async throws -> Bool {
    guard !store.snapshot().holdsIdentities else { return false }
    let file = try create(path)
    defer { close(file) }
    let secret: String
    do {
      secret = try await BootstrapAdmin.create(in: store, organization: organization, actor: actor)
    } catch {
      unlink(path)
      throw error
    }
    let key = Data("\(endpoint):\(clientID):\(secret):\(organization.name)".utf8).base64EncodedString()
    let bytes = Array((key + "\n").utf8)
    guard Foundation.write(file, bytes, bytes.count) == bytes.count, fsync(file) == 0 else {
      throw BootstrapError("cannot write --bootstrap-credentials \(path): \(String(cString: strerror(errno)))")
    }
    logger.notice("bootstrap credentials: an admin API key of organization \(organization) written to \(path)")
    return true
  }

  /// A new empty file `path` readable by its owner only (an old one is replaced).
  static func create(_ path: String) throws -> Int32 {
    if unlink(path) != 0 && errno != ENOENT {
      throw BootstrapError("cannot replace --bootstrap-credentials \(path): \(String(cString: strerror(errno)))")
    }
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard fd >= 0 else { throw BootstrapError("cannot create --bootstrap-credentials \(path): \(String(cString: strerror(errno)))") }
    return fd
  }
}

struct BootstrapError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

extension ServerCommand {
  /// The bootstrap admin of an empty store (auth on), by this command's flags.
  /// With `--ephemeral`, the key goes beside its config file (and is removed with it).
  func bootstrap(
    _ store: any AccessStore, _ configuration: ClusterPoolService.Configuration, ephemeral: EphemeralSession?, _ logger: Logger
  ) async throws {
    let path =
      if let ephemeral { auth.bootstrapCredentials ?? ephemeral.bootstrapCredentialsPath } else {
        BootstrapCredentials.path(option: auth.bootstrapCredentials, database: try pools.databaseLocation())
      }
    _ = try await BootstrapCredentials.createIfEmpty(
      store: store, organization: configuration.defaultOrganization, actor: configuration.callerIdentity, path: path,
      endpoint: BootstrapCredentials.endpoint(publicURL: auth.publicUrl, host: host), logger: logger)
  }
}
