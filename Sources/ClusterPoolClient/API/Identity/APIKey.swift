internal import ClusterPoolProto
internal import Foundation

/// An API key: an OAuth2 client-credentials application of the organization
/// (`cloudidl.identity.AppsService`). Its secret is known once, in the value `create` returns.
public struct APIKey: Sendable, Hashable {
  public var clientID: String
  /// The name people read (the client id, normalized from the name given at creation).
  public var name: String
  public var organization: String
  /// The secret: only in the value `create` returns (the server keeps a digest of it).
  public var secret: String?
  /// `FLYTE_API_KEY`: `base64("endpoint:client_id:client_secret:org")`, only with the secret.
  public var encodedCredentials: String?

  typealias Service = Cloudidl.Identity.AppsService

  init(proto app: Cloudidl.Identity.App) {
    clientID = app.clientId
    name = app.clientName
    organization = app.organization
    secret = app.clientSecret.isEmpty ? nil : app.clientSecret
  }

  /// The client id of a key named `name`: lowercase, every run of other characters than
  /// letters and digits made one '-' (as the official CLI makes it).
  public static func clientID(forName name: String) -> String {
    var id = ""
    var gap = false
    for scalar in name.lowercased().unicodeScalars {
      if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
        if gap { id += "-" }
        id.unicodeScalars.append(scalar)
        gap = false
      } else {
        gap = true
      }
    }
    return gap ? id + "-" : id
  }

  /// Creates an API key named `name` (client-credentials and authorization-code grants, client
  /// secret basic, as the official CLI registers one); returns it with its secret and
  /// `FLYTE_API_KEY`, shown this once. The server gives it its default policy unless
  /// `skipDefaultPolicyAssignments`.
  public static func create(name: String, skipDefaultPolicyAssignments: Bool = false, client: ControlPlaneClient? = nil)
    async throws -> APIKey
  {
    let client = try ControlPlaneClient.resolve(client)
    let id = clientID(forName: name)
    let request = Cloudidl.Identity.CreateAppRequest(
      organization: client.organization, clientId: id, redirectUris: ["http://localhost:8080/authorization-code/callback"],
      responseTypes: [.code], grantTypes: [.clientCredentials, .authorizationCode], clientName: id,
      tokenEndpointAuthMethod: .clientSecretBasic, consentMethod: .required,
      skipDefaultPolicyAssignments: skipDefaultPolicyAssignments)
    let response = try await client.call(Service.Create.method, request, returning: Cloudidl.Identity.CreateAppResponse.self)
    guard let app = response.app else { throw ClientError(code: .internalError, message: "the server's Create answer has no app") }
    var key = APIKey(proto: app)
    if let secret = key.secret {
      let organization = client.organization.isEmpty ? "None" : client.organization
      key.encodedCredentials = Data("\(client.settings.target):\(key.clientID):\(secret):\(organization)".utf8).base64EncodedString()
    }
    return key
  }

  /// The key `clientID` (without its secret); `NOT_FOUND` when there is none.
  public static func get(_ clientID: String, client: ControlPlaneClient? = nil) async throws -> APIKey {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.Get.method, Cloudidl.Identity.GetAppRequest(organization: client.organization, clientId: clientID),
      returning: Cloudidl.Identity.GetAppResponse.self)
    guard let app = response.app else { throw ClientError(code: .internalError, message: "the server's Get answer has no app") }
    return APIKey(proto: app)
  }

  /// Every key of the organization (at most `limit`), sorted by client id.
  public static func listAll(limit: Int? = nil, client: ControlPlaneClient? = nil) async throws -> [APIKey] {
    let client = try ControlPlaneClient.resolve(client)
    var keys: [APIKey] = []
    var token = ""
    repeat {
      let response = try await client.call(
        Service.List.method,
        Cloudidl.Identity.ListAppsRequest(organization: client.organization, request: .init(limit: 100, token: token)),
        returning: Cloudidl.Identity.ListAppsResponse.self)
      keys += response.apps.map(APIKey.init(proto:))
      token = response.token
    } while !token.isEmpty && keys.count < (limit ?? .max)
    return Array(keys.prefix(limit ?? .max))
  }

  /// Deletes the key `clientID`: its secret no longer works.
  public static func delete(_ clientID: String, client: ControlPlaneClient? = nil) async throws {
    let client = try ControlPlaneClient.resolve(client)
    _ = try await client.call(
      Service.Delete.method, Cloudidl.Identity.DeleteAppRequest(organization: client.organization, clientId: clientID),
      returning: Cloudidl.Identity.DeleteAppResponse.self)
  }
}
