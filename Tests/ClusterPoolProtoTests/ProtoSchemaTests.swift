import Testing

@testable import ClusterPoolProto

@Suite struct ProtoSchemaTests {
  @Test func registryCoversEveryDescriptor() {
    #expect(Set(ProtoRegistry.messageTypes.keys) == Set(ProtoTables.byName.keys))
    for (name, type) in ProtoRegistry.messageTypes {
      #expect(type.protoMessageName == name)
    }
    let type = ProtoRegistry.messageTypes["cloudidl.common.ClusterPoolIdentifier"]
    #expect(type.map(ObjectIdentifier.init) == ObjectIdentifier(Cloudidl.Common.ClusterPoolIdentifier.self))
  }

  @Test func services() throws {
    let names = ProtoServices.all.map(\.fullName)
    #expect(names == names.sorted())
    #expect(Set(names) == [
      "cloudidl.clusterpool.ClusterPoolService", "cloudidl.cluster.ClusterService", "cloudidl.queue.QueueService",
      "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "rpctest.v1.TestService",
      "cloudidl.identity.AppsService", "cloudidl.identity.RoleService", "cloudidl.identity.PolicyService",
      "cloudidl.identity.UserService", "cloudidl.identity.MemberService", "cloudidl.authorizer.AuthorizerService",
      "flyteidl2.auth.AuthMetadataService", "flyteidl2.auth.IdentityService", "clusterpool.audit.v1.AuditService",
    ])
    #expect(Cloudidl.Identity.RoleService.service.methods.count == 7)
    #expect(Cloudidl.Authorizer.AuthorizerService.service.method(named: "GetIdentityAssignments")?.inputTypeName
      == "cloudidl.authorizer.GetIdentityAssignmentRequest")
    let pools = Cloudidl.Clusterpool.ClusterPoolService.service
    #expect(pools.methods.map(\.name) == ["Create", "Update", "Delete", "Undelete", "Get", "List"])
    #expect(pools.method(named: "Get")?.path == "/cloudidl.clusterpool.ClusterPoolService/Get")
    #expect(pools.method(named: "Get")?.inputTypeName == "cloudidl.clusterpool.GetRequest")
    let watch = Cloudidl.Cluster.ClusterService.WatchClusters.method
    #expect(watch.serverStreaming && !watch.clientStreaming)
    #expect(ObjectIdentifier(watch.outputType) == ObjectIdentifier(Cloudidl.Cluster.WatchClustersResponse.self))
    let reflection = Grpc.Reflection.V1.ServerReflection.ServerReflectionInfo.method
    #expect(reflection.clientStreaming && reflection.serverStreaming)
    #expect(Grpc.Health.V1.Health.Check.method.path == "/grpc.health.v1.Health/Check")
    #expect(Grpc.Health.V1.Health.Watch.method.serverStreaming)
    #expect(Rpctest.V1.TestService.service.methods.count == 3)
    #expect(Cloudidl.Queue.QueueService.service.methods.count == 9)  // WatchQueueMetrics, ResolveQueue: UNIMPLEMENTED
    #expect(Cloudidl.Cluster.ClusterService.service.methods.count == 11)
  }

  @Test func fileDescriptors() throws {
    let files = ProtoFileDescriptors.all.map(\.name)
    #expect(files.contains("cloudidl/common/common.proto"))
    #expect(files.contains("google/protobuf/timestamp.proto"))
    let pool = try #require(ProtoFileDescriptors.file(named: "cloudidl/clusterpool/clusterpool.proto"))
    #expect(pool.dependencies.contains("google/protobuf/timestamp.proto"))
    // FileDescriptorProto field 1 is the file name.
    let name = Array("cloudidl/clusterpool/clusterpool.proto".utf8)
    #expect(Array(pool.serializedProto.prefix(2 + name.count)) == [0x0a, UInt8(name.count)] + name)
    for file in ProtoFileDescriptors.all {
      for dep in file.dependencies { #expect(ProtoFileDescriptors.file(named: dep) != nil) }
    }
    let symbols = ProtoFileDescriptors.fileContainingSymbol
    #expect(symbols["cloudidl.clusterpool.ClusterPoolService"] == "cloudidl/clusterpool/clusterpool.proto")
    #expect(symbols["cloudidl.clusterpool.ClusterPoolService.Get"] == "cloudidl/clusterpool/clusterpool.proto")
    #expect(symbols["cloudidl.common.SecretStore.SecretStoreType"] == "cloudidl/common/common.proto")
    #expect(symbols["grpc.health.v1.HealthCheckResponse"] == "grpc/health/v1/health.proto")
    for name in ProtoRegistry.messageTypes.keys { #expect(symbols[name] != nil, "\(name)") }
  }
}
