public import ClusterPoolProto

/// Answers `grpc.reflection.v1` requests from the descriptors generated out of proto/.
/// A pure value: no I/O, so it is tested directly.
public struct ReflectionIndex: Sendable {
  typealias Request = Grpc.Reflection.V1.ServerReflectionRequest
  typealias Response = Grpc.Reflection.V1.ServerReflectionResponse

  /// Service names `list_services` reports, sorted.
  public let services: [String]
  private let files: [String: ProtoFileDescriptor]
  private let symbols: [String: String]

  /// - Parameters:
  ///   - services: the services to list.
  ///   - hiddenFilePrefixes: files whose path starts with one of these are not served
  ///     (e.g. `testing/` when the test service is off).
  public init(services: some Sequence<String>, hiddenFilePrefixes: [String] = []) {
    let visible = { (name: String) in !hiddenFilePrefixes.contains { name.hasPrefix($0) } }
    self.services = Set(services).sorted()
    self.files = Dictionary(uniqueKeysWithValues: ProtoFileDescriptors.all.filter { visible($0.name) }.map { ($0.name, $0) })
    self.symbols = ProtoFileDescriptors.fileContainingSymbol.filter { visible($0.value) }
  }

  /// The reply to one reflection request.
  func response(to request: Request) -> Response {
    var response = Response(validHost: request.host, originalRequest: request)
    switch request.messageRequest {
    case .listServices:
      response.messageResponse = .listServicesResponse(.init(service: services.map { .init(name: $0) }))
    case .fileByFilename(let name):
      response.messageResponse = fileResponse(name, notFound: "file \(name) not found")
    case .fileContainingSymbol(let symbol):
      response.messageResponse = fileResponse(
        symbols[symbol.hasPrefix(".") ? String(symbol.dropFirst()) : symbol], notFound: "symbol \(symbol) not found")
    case .fileContainingExtension(let request):
      response.messageResponse = error(.notFound, "no extension \(request.extensionNumber) of \(request.containingType): this server defines no extensions")
    case .allExtensionNumbersOfType(let type):
      if symbols[type] != nil {
        response.messageResponse = .allExtensionNumbersResponse(.init(baseTypeName: type, extensionNumber: []))
      } else {
        response.messageResponse = error(.notFound, "type \(type) not found")
      }
    case nil:
      response.messageResponse = error(.invalidArgument, "the request names no message_request")
    }
    return response
  }

  /// The named file followed by its transitive dependencies, each once.
  private func fileResponse(_ name: String?, notFound: String) -> Response.MessageResponse {
    guard let name, files[name] != nil else { return error(.notFound, notFound) }
    var ordered: [ProtoFileDescriptor] = []
    var seen: Set<String> = []
    var pending = [name]
    while let next = pending.popLast() {
      guard seen.insert(next).inserted, let file = files[next] else { continue }
      ordered.append(file)
      pending.append(contentsOf: file.dependencies.reversed())
    }
    return .fileDescriptorResponse(.init(fileDescriptorProto: ordered.map(\.serializedProto)))
  }

  private enum ErrorCode: Int32 { case invalidArgument = 3, notFound = 5 }

  private func error(_ code: ErrorCode, _ message: String) -> Response.MessageResponse {
    .errorResponse(.init(errorCode: code.rawValue, errorMessage: message))
  }
}
