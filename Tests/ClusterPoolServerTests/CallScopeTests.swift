import ClusterPoolDomain
import Logging
import RPCCore
import Testing

@testable import ClusterPoolServer

/// The organization and author of a call as handlers read them (`ServerContext.current`): the
/// caller's with auth on, the server's defaults without a caller.
@Suite struct CallScopeTests {
  let fallback = try! Organization(validating: "default")

  func within<R>(_ caller: CallCaller?, _ body: () throws -> R) rethrows -> R {
    var context = ServerContext(
      method: MethodDescriptor(service: "s", method: "m"), requestMetadata: [:], deadline: nil, peer: "test",
      logger: Logger(label: "test"))
    context.caller = caller
    return try ServerContext.$current.withValue(context) { try body() }
  }

  @Test func withoutACallerTheServersDefaults() throws {
    try within(nil) { () throws in
      #expect(try CallScope.resolve("", fallback: fallback) == fallback)
      #expect(try CallScope.resolve("beta", fallback: fallback).name == "beta")
      #expect(CallScope.actor(.user(subject: "anonymous")) == .user(subject: "anonymous"))
    }
    #expect(CallScope.organization(fallback) == fallback)  // outside any call
  }

  @Test func theCallersOrganizationOnly() throws {
    let ci = CallCaller(organization: "acme", kind: .app, subject: "ci")
    try within(ci) { () throws in
      #expect(try CallScope.resolve("", fallback: fallback).name == "acme")
      #expect(try CallScope.resolve("acme", fallback: fallback).name == "acme")
      #expect(throws: RPCError(code: .permissionDenied, message: "app ci belongs to organization acme: it may not act in organization beta")) {
        try CallScope.resolve("beta", fallback: fallback)
      }
      #expect(throws: RPCError.self) { try CallScope.resolve("Not Valid", fallback: fallback) }
      #expect(CallScope.actor(.user(subject: "anonymous")) == .application(subject: "ci"))
    }
    try within(CallCaller(organization: "acme", kind: .user, subject: "ada")) { () throws in
      #expect(CallScope.actor(.user(subject: "anonymous")) == .user(subject: "ada"))
    }
  }

  @Test func aCallLimitedToSomeClusters() throws {
    let acme = try Organization(validating: "acme")
    let c1 = ClusterKey(organization: acme, name: try ResourceName(validating: "c1", kind: "cluster"))
    let c2 = ClusterKey(organization: acme, name: try ResourceName(validating: "c2", kind: "cluster"))
    try within(CallCaller(organization: "acme", kind: .app, subject: "dp", limitedTo: ["c1"])) { () throws in
      try CallScope.check(c1, .manageCluster)
      #expect(throws: RPCError(code: .permissionDenied, message: "app dp lacks ACTION_MANAGE_CLUSTER on cluster c2 of organization acme")) {
        try CallScope.check(c2, .manageCluster)
      }
    }
    try within(CallCaller(organization: "acme", kind: .app, subject: "ops")) { try CallScope.check(c2, .manageCluster) }
  }
}
