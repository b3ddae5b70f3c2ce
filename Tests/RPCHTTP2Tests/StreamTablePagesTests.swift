import NIOCore
import NIOPosix
@testable import RPCHTTP2
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The pages of idle sessions' stream maps go back to the kernel, read as the zeros they held,
/// and come back when a stream writes to them.
@Suite struct StreamTablePagesTests {
  /// Whether the page at `address` is in memory (`mincore`).
  static func resident(_ address: UnsafeMutableRawPointer) -> Bool {
    var vector: UInt8 = 0
    #expect(mincore(address, StreamTablePages.pageSize, &vector) == 0)
    return vector & 1 == 1
  }

  static func isZero(_ address: UnsafeMutableRawPointer) -> Bool {
    UnsafeRawBufferPointer(start: address, count: StreamTablePages.pageSize).allSatisfy { $0 == 0 }
  }

  /// A page is given back only when idle for a whole sweep and all zeros; one written to is
  /// left alone; a page given back by its session is zeroed for the next.
  @Test func onlyIdleZeroPagesAreGivenBack() throws {
    let pages = StreamTablePages(pagesPerChunk: 4)
    let page = try #require(pages.take())
    #expect(Self.isZero(page.address))
    page.address.storeBytes(of: 7, toByteOffset: 100, as: UInt8.self)  // a stream in the map
    #expect(pages.sweep() == 0)  // busy: just handed out
    #expect(pages.sweep() == 0)  // idle, but not zero
    #expect(Self.resident(page.address))
    page.address.storeBytes(of: 0, toByteOffset: 100, as: UInt8.self)  // the stream left
    #expect(pages.sweep() == 1)
    #expect(!Self.resident(page.address) && Self.isZero(page.address))
    #expect(pages.residentCount == 0 && pages.released == 1)
    #expect(pages.sweep() == 0)  // nothing written since

    // The session receives again and a stream comes and goes within one sweep period.
    page.flags.pointee |= StreamTablePages.Flags.busy | StreamTablePages.Flags.resident
    page.address.storeBytes(of: 1, toByteOffset: 4095, as: UInt8.self)
    #expect(Self.resident(page.address))
    page.address.storeBytes(of: 0, toByteOffset: 4095, as: UInt8.self)
    #expect(pages.sweep() == 0)  // busy
    #expect(pages.sweep() == 1)

    // More pages than a chunk: another is mapped; pages given back come back zeroed.
    var taken = [page]
    for _ in 0..<5 { taken.append(try #require(pages.take())) }
    #expect(Set(taken.map(\.address)).count == 6)
    for page in taken {
      page.address.storeBytes(of: 9, toByteOffset: 8, as: UInt8.self)
      pages.give(page)
    }
    for _ in 0..<6 {
      let again = try #require(pages.take())
      #expect(Self.isZero(again.address))
    }
  }

  /// Real nghttp2 sessions, server and client, talking through memory on an event loop: the
  /// server session's stream map lives in a page of the loop's pages, all zeros once its
  /// stream closed; given back, the session goes on serving streams, which bring the page back.
  @Test func aSessionsStreamMapPageIsGivenBackWhileIdle() async throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let outcome = try await group.next().submit { () -> [String] in
      var problems: [String] = []
      let pair = SessionPair()
      guard let page = pair.server.streamTablePage, let pages = StreamTablePages.current() else {
        return ["the server session has no stream table page"]
      }
      for round in 0..<3 {
        guard pair.call() else { return problems + ["call \(round) got no answer"] }
        if !Self.isZero(page.address) { problems.append("round \(round): map not zero after the stream closed") }
        let before = pages.released
        pages.sweep()  // the session received: busy
        pages.sweep()
        if pages.released != before + 1 { problems.append("round \(round): page not given back") }
        if Self.resident(page.address) { problems.append("round \(round): page still resident") }
      }
      if pair.clientSide.statuses != ["200", "200", "200"] { problems.append("answers \(pair.clientSide.statuses)") }
      return problems
    }.get()
    try await group.shutdownGracefully()
    #expect(outcome == [])
  }
}

/// A server and a client session connected through memory; the server answers every request
/// with a trailers-only 200.
private final class SessionPair: NGHTTP2SessionDelegate {
  let server = NGHTTP2Session(server: true, settings: NGHTTP2Settings())
  let client = NGHTTP2Session(server: false, settings: NGHTTP2Settings())
  let clientSide = ClientSide()
  let answer = NGHTTP2Session.HeaderBlock([(":status", "200"), ("grpc-status", "0")])
  let request = NGHTTP2Session.HeaderBlock([
    (":method", "POST"), (":scheme", "http"), (":path", "/test.Echo/Get"), (":authority", "localhost"),
    ("content-type", "application/grpc"), ("te", "trailers"),
  ])

  init() {
    server.delegate = self
    client.delegate = clientSide
  }

  /// One request and its answer; whether the answer came.
  func call() -> Bool {
    clientSide.closed = nil
    guard let stream = client.submitRequest(headers: request) else { return false }
    client.finish(stream: stream, trailers: nil)
    for _ in 0..<10 where clientSide.closed != stream {
      if let toServer = try? client.pullOutput(maxBytes: 1 << 20) { try? server.receive(toServer) }
      if let toClient = try? server.pullOutput(maxBytes: 1 << 20) { try? client.receive(toClient) }
    }
    return clientSide.closed == stream
  }

  func session(beginHeaders stream: Int32) {}
  func session(header name: HeaderBytes, value: HeaderBytes, stream: Int32) {}
  func session(endHeaders stream: Int32, endStream: Bool) {}
  func session(data: ByteBuffer, stream: Int32) {}
  func session(endOfStream stream: Int32) {
    server.submitResponse(stream: stream, headers: answer, endStream: true)
  }
  func session(closed stream: Int32, errorCode: UInt32) {}
  func session(goAway lastStreamID: Int32, errorCode: UInt32) {}
  func session(drained stream: Int32) {}

  final class ClientSide: NGHTTP2SessionDelegate {
    var closed: Int32?
    var statuses: [String] = []
    func session(beginHeaders stream: Int32) {}
    func session(header name: HeaderBytes, value: HeaderBytes, stream: Int32) {
      if name.matches(":status") { statuses.append(value.string) }
    }
    func session(endHeaders stream: Int32, endStream: Bool) {}
    func session(data: ByteBuffer, stream: Int32) {}
    func session(endOfStream stream: Int32) {}
    func session(closed stream: Int32, errorCode: UInt32) { if errorCode == 0 { closed = stream } }
    func session(goAway lastStreamID: Int32, errorCode: UInt32) {}
    func session(drained stream: Int32) {}
  }
}
