import RPCCore
import Testing
import RPCTestSupport

/// The RPCError a call threw, or a recorded issue.
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
  do {
    try await body()
    Issue.record("expected an RPCError")
    return nil
  } catch let error as RPCError {
    return error
  } catch {
    Issue.record("expected an RPCError, got \(error)")
    return nil
  }
}
