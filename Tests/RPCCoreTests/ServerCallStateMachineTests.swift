import RPCCore
import Testing

/// The call rules without sockets: events in, steps out, every illegal event refused.
@Suite struct ServerCallStateMachineTests {
  typealias Machine = ServerCallStateMachine
  typealias Steps = ServerCallActions.Steps

  @Test func aUnaryCallRunsAfterItsRequestAndEndsOnce() {
    var call = Machine(shape: .unaryRequest)
    #expect(call.start(timeout: .seconds(1)).steps == .scheduleDeadline)
    #expect(call.receivedMessage().steps == .keepRequest)
    #expect(call.receivedEnd(hasRoom: true).steps == .dispatch)
    #expect(call.state == .running(requestOpen: false, responseStarted: false))
    let done = call.handlerResponded()
    #expect(done.steps == [.cancelDeadline, .sendResponse, .notify] && done.code == 0)
    #expect(call.state == .closed(code: 0))
    // whatever comes after the end does nothing, and tells no observer again
    #expect(call.deadlineFired().steps.isEmpty)
    #expect(call.handlerFinished(RPCError(code: .internalError, message: "late")).steps.isEmpty)
    #expect(call.cancelled(RPCError(code: .cancelled, message: "reset")).steps.isEmpty)
    #expect(call.handlerWrote().steps == .rejectWrite)
  }

  @Test func withoutATimeoutNoTimerStarts() {
    var call = Machine(shape: .unaryRequest)
    #expect(call.start(timeout: nil).steps.isEmpty)
  }

  @Test func aCallWithoutRoomWaitsThenRuns() {
    var call = Machine(shape: .unaryRequest)
    _ = call.start(timeout: nil)
    _ = call.receivedMessage()
    #expect(call.receivedEnd(hasRoom: false).steps == .waitForRoom)
    #expect(call.state == .waiting)
    #expect(call.roomAvailable().steps == .dispatch)
    #expect(call.roomAvailable().steps.isEmpty)  // once
  }

  @Test func aWaitingCallsDeadlineEndsItWithoutRunningIt() {
    var call = Machine(shape: .unaryRequest)
    _ = call.start(timeout: .milliseconds(5))
    _ = call.receivedMessage()
    _ = call.receivedEnd(hasRoom: false)
    let late = call.deadlineFired()
    #expect(late.steps == [.cancelDeadline, .cancelHandler, .sendStatus, .notify])
    #expect(late.status?.code == .deadlineExceeded && late.code == RPCStatusCode.deadlineExceeded.rawValue)
    #expect(call.roomAvailable().steps.isEmpty)
  }

  @Test func aSecondRequestOrNoneIsInternal() {
    var two = Machine(shape: .unaryRequest)
    _ = two.start(timeout: nil)
    _ = two.receivedMessage()
    let second = two.receivedMessage()
    #expect(second.status?.code == .internalError && second.steps.contains(.sendStatus))
    var none = Machine(shape: .unaryRequest)
    _ = none.start(timeout: nil)
    #expect(none.receivedEnd(hasRoom: true).status?.message == "no request message")
  }

  @Test func aStreamSendsItsHeadOnceBeforeItsFirstMessageThenEndsInTrailers() {
    var call = Machine(shape: .unaryRequest)
    _ = call.start(timeout: nil)
    _ = call.receivedMessage()
    _ = call.receivedEnd(hasRoom: true)
    #expect(call.handlerWrote().steps == [.sendHead, .sendMessage])
    #expect(call.responseStarted)
    #expect(call.handlerWrote().steps == .sendMessage)
    #expect(call.writeDrained().steps == .resumeWriters)
    let end = call.handlerFinished(nil)
    #expect(end.steps == [.cancelDeadline, .sendStatus, .notify] && end.status == nil && end.responseStarted)
    #expect(call.writeDrained().steps.isEmpty)
  }

  @Test func aBidiHandlerStartsAtTheHeadAndReadsUntilTheEnd() {
    var call = Machine(shape: .requestStream)
    #expect(call.start(timeout: nil).steps == .dispatch)
    #expect(call.receivedMessage().steps == .deliverRequest)
    #expect(call.handlerWrote().steps == [.sendHead, .sendMessage])
    #expect(call.receivedMessage().steps == .deliverRequest)
    #expect(call.receivedEnd(hasRoom: true).steps == .finishRequests)
    #expect(call.state == .running(requestOpen: false, responseStarted: true))
    #expect(call.receivedMessage().illegal != nil)  // after the end of the request
    #expect(call.handlerFinished(nil).steps.contains(.sendStatus))
  }

  @Test func aClientCancelSendsNothing() {
    var call = Machine(shape: .requestStream)
    _ = call.start(timeout: .seconds(5))
    let reset = call.cancelled(RPCError(code: .cancelled, message: "stream reset by the client"))
    #expect(reset.steps == [.cancelDeadline, .cancelHandler, .notify])
    #expect(reset.code == RPCStatusCode.cancelled.rawValue)
    #expect(call.state == .closed(code: RPCStatusCode.cancelled.rawValue))
    #expect(call.receivedMessage().steps.isEmpty && call.receivedEnd(hasRoom: true).steps.isEmpty)
  }

  @Test func aHandlerErrorEndsTheCallWithIt() {
    var call = Machine(shape: .unaryRequest)
    _ = call.start(timeout: nil)
    _ = call.receivedMessage()
    _ = call.receivedEnd(hasRoom: true)
    let failed = call.handlerFinished(RPCError(code: .notFound, message: "no pool"))
    #expect(failed.steps == [.cancelDeadline, .cancelHandler, .sendStatus, .notify])
    #expect(failed.status?.message == "no pool" && failed.code == 5 && !failed.responseStarted)
  }

  @Test func eventsTheStateDoesNotAllowAreIllegal() {
    var call = Machine(shape: .unaryRequest)
    #expect(call.handlerWrote().illegal != nil)  // before the handler ran
    #expect(call.handlerResponded().illegal != nil)
    #expect(call.handlerFinished(nil).illegal != nil)
    _ = call.start(timeout: nil)
    #expect(call.start(timeout: nil).illegal != nil)  // twice
    var streaming = Machine(shape: .unaryRequest)
    _ = streaming.start(timeout: nil)
    _ = streaming.receivedMessage()
    _ = streaming.receivedEnd(hasRoom: true)
    _ = streaming.handlerWrote()
    #expect(streaming.handlerResponded().illegal != nil)  // a whole answer after the head
    #expect(streaming.state == .running(requestOpen: false, responseStarted: true))
  }
}
