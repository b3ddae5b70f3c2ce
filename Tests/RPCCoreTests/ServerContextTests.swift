import Logging
@testable import RPCCore
import Testing

/// `ServerContext` keeps its fields in one shared storage: copies must still behave as values
/// (a change to one is not seen by another), sharing only what they always shared (the floor).
@Suite struct ServerContextTests {
  let context = ServerContext(
    method: MethodDescriptor(service: "t.S", method: "M"), requestMetadata: ["a": "1"], deadline: nil,
    peer: "127.0.0.1:1", logger: Logger(label: "test"))

  @Test func aCopysChangesStayItsOwn() {
    var copy = context
    copy.method = MethodDescriptor(service: "t.S", method: "Other")
    copy.requestMetadata = ["b": "2"]
    copy.deadline = .now
    copy.peer = "127.0.0.1:2"
    copy.authority = "example:443"
    copy.requestID = "r-1"
    copy.caller = CallCaller(organization: "acme", kind: .user, subject: "ann")
    copy.identifiedCaller = IdentifiedCaller()
    copy.logger[metadataKey: "k"] = "v"

    #expect(context.method.method == "M")
    #expect(context.requestMetadata.first("a") == "1" && context.requestMetadata.first("b") == nil)
    #expect(context.deadline == nil)
    #expect(context.peer == "127.0.0.1:1")
    #expect(context.authority == nil && context.requestID == nil && context.caller == nil)
    #expect(context.identifiedCaller == nil)
    #expect(context.logger[metadataKey: "k"] == nil)

    #expect(copy.method.method == "Other")
    #expect(copy.requestMetadata.first("b") == "2")
    #expect(copy.deadline != nil)
    #expect(copy.peer == "127.0.0.1:2")
    #expect(copy.authority == "example:443" && copy.requestID == "r-1")
    #expect(copy.caller?.subject == "ann" && copy.identifiedCaller != nil)
    #expect(copy.logger[metadataKey: "k"] == "v")
  }

  @Test func theOriginalsChangesAreNotSeenByACopy() {
    var original = context
    let copy = original
    original.requestID = "r-2"
    original.peer = "elsewhere"
    #expect(copy.requestID == nil && copy.peer == "127.0.0.1:1")
    #expect(original.requestID == "r-2" && original.peer == "elsewhere")
  }

  @Test func copiesShareTheResponseVersionFloor() {
    var copy = context
    copy.requestID = "r-3"  // its own fields now, the same floor
    copy.responseVersionFloor.raise(to: 7)
    #expect(context.responseVersionFloor.value == 7)
    #expect(copy.responseVersionFloor === context.responseVersionFloor)
  }

  @Test func theTaskLocalHoldsTheBoundContext() {
    var bound = context
    bound.requestID = "r-4"
    let seen = ServerContext.$current.withValue(bound) { ServerContext.current?.requestID }
    #expect(seen == "r-4")
    #expect(ServerContext.current == nil)
  }
}
