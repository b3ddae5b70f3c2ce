/// One RPC method of a service in proto/.
public struct ProtoMethodInfo: Sendable {
  /// Full name of the service, e.g. `grpc.health.v1.Health`.
  public let serviceName: String
  /// The method's name, e.g. `Check`.
  public let name: String
  /// The HTTP/2 `:path`, e.g. `/grpc.health.v1.Health/Check`.
  public let path: String
  public let inputType: any ProtoMessage.Type
  public let outputType: any ProtoMessage.Type
  public let clientStreaming: Bool
  public let serverStreaming: Bool

  public init(
    serviceName: String, name: String, inputType: any ProtoMessage.Type, outputType: any ProtoMessage.Type,
    clientStreaming: Bool, serverStreaming: Bool
  ) {
    self.serviceName = serviceName
    self.name = name
    self.path = "/\(serviceName)/\(name)"
    self.inputType = inputType
    self.outputType = outputType
    self.clientStreaming = clientStreaming
    self.serverStreaming = serverStreaming
  }

  /// Full proto name of the request message.
  public var inputTypeName: String { inputType.protoMessageName }
  /// Full proto name of the response message.
  public var outputTypeName: String { outputType.protoMessageName }
}

/// A service in proto/ and its methods, in declaration order.
public struct ProtoServiceInfo: Sendable {
  /// Full name, e.g. `cloudidl.clusterpool.ClusterPoolService`.
  public let fullName: String
  public let methods: [ProtoMethodInfo]

  public init(fullName: String, methods: [ProtoMethodInfo]) {
    self.fullName = fullName
    self.methods = methods
  }

  /// The method called `name`, if any.
  public func method(named name: String) -> ProtoMethodInfo? {
    methods.first { $0.name == name }
  }
}

extension ProtoServices {
  /// The service with full name `fullName` (e.g. `grpc.health.v1.Health`), if proto/ declares it.
  public static func service(named fullName: String) -> ProtoServiceInfo? {
    all.first { $0.fullName == fullName }
  }
}
