internal import NIOCore
internal import RPCCore

/// The connection's reply budget (`ConnectionReplyBudget`): a call whose reply finds no room
/// waits, with its deadline running, instead of having its reply encoded and buffered; a
/// streaming writer suspends. Room comes back as nghttp2 takes queued bytes (after each
/// flush), as streams close, or when the server-wide total falls.
extension ServerConnectionHandler {
  /// Puts a call whose request is complete in line for room (the machine's waitForRoom step:
  /// the budget had none, or calls wait before it); its handler runs once room comes back.
  func holdForRoom(_ stream: ServerStream) {
    logger.debug(
      "call waits for room in the reply budget",
      metadata: [
        "peer": "\(peer)", "stream": "\(stream.id)", "queued": "\(session.queuedBytes)",
        "server-queued": "\(replyBudget.shared.queued)",
      ])
    waitForRoom(stream)
  }

  /// Whether a streaming writer must wait for the connection's budget (then `waitForRoom`
  /// holds it in line).
  func connectionIsFull() -> Bool {
    replyBudget.isWaiting || !replyBudget.hasRoom(queued: session.queuedBytes)
  }

  /// Puts a stream in line for room (once).
  func waitForRoom(_ stream: ServerStream) {
    guard !stream.waitingForRoom else { return }
    stream.waitingForRoom = true
    replyBudget.wait(stream.id)
    watchSharedRoom()
  }

  /// Reports the connection's queued bytes and lets waiting calls go on, in order, while
  /// there is room: a waiting unary call's handler runs, a waiting writer resumes.
  func admitWaiting() {
    replyBudget.report(queued: session.queuedBytes)
    var started = false
    while let id = replyBudget.next(queued: session.queuedBytes) {
      guard let stream = streams[id], stream.waitingForRoom else { continue }
      stream.waitingForRoom = false
      if case .waiting = stream.machine.state {
        perform(stream.machine.roomAvailable(), stream)
        started = true
      } else {
        stream.resumeWriters()
      }
    }
    if replyBudget.isWaiting { watchSharedRoom() }
    if started { scheduleFlush() }
  }

  /// When only the server-wide total is short, asks to be woken once it has room.
  private func watchSharedRoom() {
    guard !replyBudget.awaitingSharedRoom, replyBudget.lacksSharedRoom(queued: session.queuedBytes),
      let loop = context?.eventLoop
    else { return }
    replyBudget.awaitingSharedRoom = true
    let loopBound = NIOLoopBound(self, eventLoop: loop)
    replyBudget.shared.notifyWhenRoom {
      loop.execute {
        loopBound.value.replyBudget.awaitingSharedRoom = false
        loopBound.value.admitWaiting()
      }
    }
  }
}
