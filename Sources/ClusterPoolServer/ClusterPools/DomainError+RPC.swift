internal import ClusterPoolDomain
internal import RPCCore

/// The one place domain errors become wire statuses.
extension DomainError {
  var rpcError: RPCError {
    let status: RPCStatusCode =
      switch code {
      case .invalidArgument: .invalidArgument
      case .notFound: .notFound
      case .alreadyExists: .alreadyExists
      case .failedPrecondition: .failedPrecondition
      case .permissionDenied: .permissionDenied
      case .aborted: .aborted
      case .resourceExhausted: .resourceExhausted
      case .unavailable: .unavailable
      default: .internalError
      }
    return RPCError(code: status, message: message)
  }
}

/// Runs domain code, rethrowing its rejection as the matching `RPCError`.
@inline(__always)
func mappingDomainErrors<T>(_ body: () throws(DomainError) -> T) throws(RPCError) -> T {
  do {
    return try body()
  } catch {
    throw error.rpcError
  }
}

/// The async form of ``mappingDomainErrors(_:)``.
func mappingDomainErrors<T>(_ body: () async throws(DomainError) -> T) async throws(RPCError) -> T {
  do {
    return try await body()
  } catch {
    throw error.rpcError
  }
}
