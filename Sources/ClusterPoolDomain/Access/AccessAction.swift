/// What a role lets an identity do (`cloudidl.common.Action`; the numbers are the wire's).
public enum AccessAction: Int32, Sendable, Hashable, Comparable, CaseIterable, Codable, CustomStringConvertible {
  case create = 1
  case read = 2
  case update = 3
  case delete = 4
  case viewFlyteInventory = 5
  case viewFlyteExecutions = 6
  case registerFlyteInventory = 7
  case createFlyteExecutions = 8
  case administerProject = 9
  case managePermissions = 10
  case administerAccount = 11
  case manageCluster = 12
  case editExecutionRelatedAttributes = 13
  case editClusterRelatedAttributes = 14
  case editUnusedAttributes = 15
  case supportSystemLogs = 16
  case viewIdentities = 17
  case manageTenant = 18
  case manageQueue = 19
  case viewClusterConfig = 20
  case viewLLMGateway = 21
  case manageLLMGateway = 22
  case manageLLMGatewayKeys = 23

  /// The wire name, e.g. `ACTION_MANAGE_PERMISSIONS`.
  public var name: String {
    switch self {
    case .create: "ACTION_CREATE"
    case .read: "ACTION_READ"
    case .update: "ACTION_UPDATE"
    case .delete: "ACTION_DELETE"
    case .viewFlyteInventory: "ACTION_VIEW_FLYTE_INVENTORY"
    case .viewFlyteExecutions: "ACTION_VIEW_FLYTE_EXECUTIONS"
    case .registerFlyteInventory: "ACTION_REGISTER_FLYTE_INVENTORY"
    case .createFlyteExecutions: "ACTION_CREATE_FLYTE_EXECUTIONS"
    case .administerProject: "ACTION_ADMINISTER_PROJECT"
    case .managePermissions: "ACTION_MANAGE_PERMISSIONS"
    case .administerAccount: "ACTION_ADMINISTER_ACCOUNT"
    case .manageCluster: "ACTION_MANAGE_CLUSTER"
    case .editExecutionRelatedAttributes: "ACTION_EDIT_EXECUTION_RELATED_ATTRIBUTES"
    case .editClusterRelatedAttributes: "ACTION_EDIT_CLUSTER_RELATED_ATTRIBUTES"
    case .editUnusedAttributes: "ACTION_EDIT_UNUSED_ATTRIBUTES"
    case .supportSystemLogs: "ACTION_SUPPORT_SYSTEM_LOGS"
    case .viewIdentities: "ACTION_VIEW_IDENTITIES"
    case .manageTenant: "ACTION_MANAGE_TENANT"
    case .manageQueue: "ACTION_MANAGE_QUEUE"
    case .viewClusterConfig: "ACTION_VIEW_CLUSTER_CONFIG"
    case .viewLLMGateway: "ACTION_VIEW_LLM_GATEWAY"
    case .manageLLMGateway: "ACTION_MANAGE_LLM_GATEWAY"
    case .manageLLMGatewayKeys: "ACTION_MANAGE_LLM_GATEWAY_KEYS"
    }
  }

  /// Validates a wire number: 0 (`ACTION_NONE`) and unknown numbers are rejected.
  public init(validatingNumber number: Int32) throws(DomainError) {
    guard let action = AccessAction(rawValue: number) else {
      let given = number == 0 ? "ACTION_NONE grants nothing" : "action \(number) is unknown"
      throw .invalid("\(given): use one of ACTION_CREATE (1) to ACTION_MANAGE_LLM_GATEWAY_KEYS (23)")
    }
    self = action
  }

  /// Actions that administer identities, access and the account: what `contributor` lacks.
  public static let administration: Set<AccessAction> = [
    .managePermissions, .administerAccount, .manageTenant, .supportSystemLogs, .manageLLMGatewayKeys,
  ]

  /// Actions that only read: what `viewer` holds.
  public static let reads: Set<AccessAction> = [
    .read, .viewFlyteInventory, .viewFlyteExecutions, .viewIdentities, .viewClusterConfig, .viewLLMGateway,
  ]

  public static func < (lhs: AccessAction, rhs: AccessAction) -> Bool { lhs.rawValue < rhs.rawValue }
  public var description: String { name }
}
