internal import ClusterPoolProto

/// A role of the organization: a named set of actions (`ACTION_MANAGE_CLUSTER`, ...).
/// `admin`, `contributor` and `viewer` are built in and read-only (`cloudidl.identity.RoleService`).
public struct Role: Sendable, Hashable {
  public var name: String
  public var organization: String
  public var description: String
  /// `ROLE_TYPE_ADMIN`, `ROLE_TYPE_CONTRIBUTOR`, `ROLE_TYPE_VIEWER` or `ROLE_TYPE_CUSTOM`.
  public var roleType: String
  /// Action names, e.g. `ACTION_MANAGE_CLUSTER`.
  public var actions: [String]

  typealias Service = Cloudidl.Identity.RoleService

  init(proto role: Cloudidl.Common.Role) {
    name = role.id?.name ?? ""
    organization = role.id?.organization ?? ""
    description = role.roleSpec?.description ?? ""
    roleType = role.roleType.protoName ?? String(role.roleType.rawValue)
    actions = role.actions.map { $0.protoName ?? String($0.rawValue) }
  }

  /// The action of `name`: `ACTION_MANAGE_CLUSTER`, `MANAGE_CLUSTER` or `manage_cluster`.
  static func action(_ name: String) throws -> Cloudidl.Common.Action {
    var upper = name.uppercased()
    if !upper.hasPrefix("ACTION_") { upper = "ACTION_" + upper }
    guard let action = Cloudidl.Common.Action.allCases.first(where: { $0.protoName == upper }), action.rawValue != 0 else {
      let valid = Cloudidl.Common.Action.allCases.compactMap(\.protoName).filter { $0 != "ACTION_NONE" }
      throw ClientError(code: .invalidArgument, message: "unknown action \"\(name)\": use one of \(valid.joined(separator: ", "))")
    }
    return action
  }

  /// Creates a custom role granting `actions` (names as ``action(_:)`` reads them).
  public static func create(_ name: String, description: String = "", actions: [String], client: ControlPlaneClient? = nil)
    async throws
  {
    let client = try ControlPlaneClient.resolve(client)
    let role = Cloudidl.Common.Role(
      id: .init(organization: client.organization, name: name), roleSpec: .init(description: description),
      actions: try actions.map(action))
    _ = try await client.call(Service.CreateRole.method, Cloudidl.Identity.CreateRoleRequest(role: role),
      returning: Cloudidl.Identity.CreateRoleResponse.self)
  }

  /// The role `name`; `NOT_FOUND` when there is none.
  public static func get(_ name: String, client: ControlPlaneClient? = nil) async throws -> Role {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.GetRole.method, Cloudidl.Identity.GetRoleRequest(id: .init(organization: client.organization, name: name)),
      returning: Cloudidl.Identity.GetRoleResponse.self)
    guard let role = response.role else { throw ClientError(code: .internalError, message: "the server's GetRole answer has no role") }
    return Role(proto: role)
  }

  /// Every role of the organization (the built-in ones first).
  public static func listAll(limit: Int? = nil, client: ControlPlaneClient? = nil) async throws -> [Role] {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.List.method,
      Cloudidl.Identity.ListRolesRequest(organization: client.organization, request: .init(limit: UInt32(min(limit ?? 1000, 1000)))),
      returning: Cloudidl.Identity.ListRolesResponse.self)
    return response.roles.map(Role.init(proto:))
  }

  /// Makes the role grant exactly `actions`: adds the missing ones and removes the others, one
  /// call each (as the official CLI's update does).
  public static func update(_ name: String, actions: [String], client: ControlPlaneClient? = nil) async throws {
    let client = try ControlPlaneClient.resolve(client)
    let current = Set(try await get(name, client: client).actions.map(action))
    let desired = Set(try actions.map(action))
    let id = Cloudidl.Common.RoleIdentifier(organization: client.organization, name: name)
    for action in desired.subtracting(current).sorted(by: { $0.rawValue < $1.rawValue }) {
      _ = try await client.call(Service.CreateRoleAction.method, Cloudidl.Identity.CreateRoleActionRequest(id: id, action: action),
        returning: Cloudidl.Identity.CreateRoleActionResponse.self)
    }
    for action in current.subtracting(desired).sorted(by: { $0.rawValue < $1.rawValue }) {
      _ = try await client.call(Service.DeleteRoleAction.method, Cloudidl.Identity.DeleteRoleActionRequest(id: id, action: action),
        returning: Cloudidl.Identity.DeleteRoleActionResponse.self)
    }
  }

  /// Deletes a custom role no policy binds and no identity holds.
  public static func delete(_ name: String, client: ControlPlaneClient? = nil) async throws {
    let client = try ControlPlaneClient.resolve(client)
    _ = try await client.call(
      Service.DeleteRole.method, Cloudidl.Identity.DeleteRoleRequest(id: .init(organization: client.organization, name: name)),
      returning: Cloudidl.Identity.DeleteRoleResponse.self)
  }
}
