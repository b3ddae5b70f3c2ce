internal import ClusterPoolProto

/// A user of the organization (`cloudidl.identity.UserService`), named by a subject (for a user
/// created here, their email in lowercase).
public struct User: Sendable, Hashable {
  public var subject: String
  public var email: String
  public var firstName: String
  public var lastName: String
  public var organization: String
  /// Policy names given to the user.
  public var policies: [String]

  typealias Service = Cloudidl.Identity.UserService

  init(proto user: Cloudidl.Common.User) {
    subject = user.id?.subject ?? ""
    email = user.spec?.email ?? ""
    firstName = user.spec?.firstName ?? ""
    lastName = user.spec?.lastName ?? ""
    organization = user.spec?.organization ?? ""
    policies = user.policies.compactMap { $0.id?.name }
  }

  /// Creates a user; returns their subject.
  @discardableResult
  public static func create(firstName: String, lastName: String, email: String, client: ControlPlaneClient? = nil)
    async throws -> String
  {
    let client = try ControlPlaneClient.resolve(client)
    let spec = Cloudidl.Common.UserSpec(firstName: firstName, lastName: lastName, email: email, organization: client.organization)
    let response = try await client.call(
      Service.CreateUser.method, Cloudidl.Identity.CreateUserRequest(spec: spec), returning: Cloudidl.Identity.CreateUserResponse.self)
    return response.id?.subject ?? ""
  }

  /// The user `subject`; `NOT_FOUND` when there is none.
  public static func get(_ subject: String, client: ControlPlaneClient? = nil) async throws -> User {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.GetUser.method, Cloudidl.Identity.GetUserRequest(id: .init(subject: subject)),
      returning: Cloudidl.Identity.GetUserResponse.self)
    guard let user = response.user else { throw ClientError(code: .internalError, message: "the server's GetUser answer has no user") }
    return User(proto: user)
  }

  /// The users of the organization, those with `email` only when given.
  public static func listAll(email: String? = nil, limit: Int? = nil, client: ControlPlaneClient? = nil) async throws -> [User] {
    let client = try ControlPlaneClient.resolve(client)
    var request = Cloudidl.Common.ListRequest(limit: UInt32(min(limit ?? 1000, 1000)))
    if let email { request.filters = [.init(function: .equal, field: "email", values: [email])] }
    let response = try await client.call(
      Service.ListUsers.method, Cloudidl.Identity.ListUsersRequest(organization: client.organization, request: request),
      returning: Cloudidl.Identity.ListUsersResponse.self)
    return response.users.map(User.init(proto:))
  }

  /// Deletes the user `subject` and their assignment.
  public static func delete(_ subject: String, client: ControlPlaneClient? = nil) async throws {
    let client = try ControlPlaneClient.resolve(client)
    _ = try await client.call(
      Service.DeleteUser.method, Cloudidl.Identity.DeleteUserRequest(id: .init(subject: subject), organization: client.organization),
      returning: Cloudidl.Identity.DeleteUserResponse.self)
  }
}
