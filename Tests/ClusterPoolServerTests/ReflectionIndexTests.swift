import ClusterPoolProto
import Testing

@testable import ClusterPoolServer

@Suite struct ReflectionIndexTests {
  typealias Request = Grpc.Reflection.V1.ServerReflectionRequest
  let index = ReflectionIndex(
    services: ["grpc.health.v1.Health", "cloudidl.clusterpool.ClusterPoolService"], hiddenFilePrefixes: ["testing/"])

  @Test func listsServicesSorted() {
    let response = index.response(to: Request(host: "h", messageRequest: .listServices("")))
    #expect(response.validHost == "h")
    #expect(response.originalRequest == Request(host: "h", messageRequest: .listServices("")))
    guard case .listServicesResponse(let list) = response.messageResponse else {
      Issue.record("expected a service list, got \(String(describing: response.messageResponse))")
      return
    }
    #expect(list.service.map(\.name) == ["cloudidl.clusterpool.ClusterPoolService", "grpc.health.v1.Health"])
  }

  @Test func fileContainingServiceComesWithItsDependencies() throws {
    let response = index.response(to: Request(messageRequest: .fileContainingSymbol("cloudidl.clusterpool.ClusterPoolService")))
    guard case .fileDescriptorResponse(let files) = response.messageResponse else {
      Issue.record("expected descriptors, got \(String(describing: response.messageResponse))")
      return
    }
    let names = files.fileDescriptorProto.compactMap { bytes in
      ProtoFileDescriptors.all.first { $0.serializedProto == bytes }?.name
    }
    #expect(names.first == "cloudidl/clusterpool/clusterpool.proto")
    #expect(names.contains("cloudidl/common/common.proto"))
    #expect(Set(names).count == names.count, "each file once")
    // every dependency of every returned file is returned too
    for name in names {
      for dependency in ProtoFileDescriptors.file(named: name)?.dependencies ?? [] {
        #expect(names.contains(dependency), "\(name) needs \(dependency)")
      }
    }
  }

  @Test(arguments: [
    "cloudidl.clusterpool.ClusterPoolService.Get", ".cloudidl.common.ClusterPoolConfig",
    "cloudidl.common.SecretStore.SecretStoreType", "grpc.health.v1.HealthCheckRequest",
  ])
  func findsSymbols(symbol: String) {
    let response = index.response(to: Request(messageRequest: .fileContainingSymbol(symbol)))
    guard case .fileDescriptorResponse(let files) = response.messageResponse else {
      Issue.record("\(symbol): expected descriptors, got \(String(describing: response.messageResponse))")
      return
    }
    #expect(!files.fileDescriptorProto.isEmpty)
  }

  @Test(arguments: [
    Request.MessageRequest.fileContainingSymbol("rpctest.v1.TestService"),
    .fileContainingSymbol("no.such.Symbol"),
    .fileByFilename("testing/test_service.proto"),
    .fileByFilename("nope.proto"),
    .allExtensionNumbersOfType("no.such.Type"),
    .fileContainingExtension(.init(containingType: "cloudidl.common.Sort", extensionNumber: 100)),
  ])
  func unknownOrHiddenIsNotFound(request: Request.MessageRequest) {
    let response = index.response(to: Request(messageRequest: request))
    guard case .errorResponse(let error) = response.messageResponse else {
      Issue.record("expected NOT_FOUND, got \(String(describing: response.messageResponse))")
      return
    }
    #expect(error.errorCode == 5)
    #expect(!error.errorMessage.isEmpty)
  }

  @Test func emptyRequestIsInvalid() {
    guard case .errorResponse(let error) = index.response(to: Request()).messageResponse else {
      Issue.record("expected an error")
      return
    }
    #expect(error.errorCode == 3)
  }

  @Test func fileByFilename() {
    let response = index.response(to: Request(messageRequest: .fileByFilename("google/protobuf/timestamp.proto")))
    guard case .fileDescriptorResponse(let files) = response.messageResponse else {
      Issue.record("expected descriptors")
      return
    }
    #expect(files.fileDescriptorProto == [ProtoFileDescriptors.file(named: "google/protobuf/timestamp.proto")!.serializedProto])
  }
}
