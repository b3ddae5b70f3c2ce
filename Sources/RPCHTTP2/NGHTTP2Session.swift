internal import CNGHTTP2
internal import NIOCore

/// What the owner of an `NGHTTP2Session` hears about, synchronously, while it feeds bytes in
/// or pulls bytes out. All calls happen on the connection's event loop.
protocol NGHTTP2SessionDelegate: AnyObject {
  /// A complete header block (request, response or trailers) for a stream.
  func session(headers: [(name: String, value: String)], stream: Int32, endStream: Bool)
  /// A chunk of a stream's DATA (already counted for flow control).
  func session(data: ByteBuffer, stream: Int32)
  /// The peer ended its side of a stream with a DATA frame.
  func session(endOfStream stream: Int32)
  /// A stream closed (error code 0 means NO_ERROR); its state is gone.
  func session(closed stream: Int32, errorCode: UInt32)
  /// The peer sent GOAWAY.
  func session(goAway lastStreamID: Int32, errorCode: UInt32)
  /// A stream's queued output fell to or below the low-water mark after being asked to tell.
  func session(drained stream: Int32)
}

/// HTTP/2 settings applied when a session starts.
struct NGHTTP2Settings: Sendable {
  var maxConcurrentStreams: UInt32 = 100
  var initialWindowSize: UInt32 = 1 << 20
  var connectionWindowSize: Int32 = 4 << 20
  var maxHeaderListSize: UInt32 = 16 << 10
  var maxFrameSize: UInt32 = 16_384
}

/// One nghttp2 session (server or client) with no I/O of its own: bytes go in through
/// `receive`, come out through `pullOutput`. Per-stream output queues feed nghttp2's data
/// providers, deferred while empty and resumed when more is queued.
///
/// The only file that imports CNGHTTP2. Not thread-safe: use it on one event loop.
final class NGHTTP2Session {
  private var session: OpaquePointer?
  weak var delegate: NGHTTP2SessionDelegate?
  private var outputs: [Int32: StreamOutput] = [:]
  private var pendingHeaders: [Int32: [(name: String, value: String)]] = [:]
  private let allocator = ByteBufferAllocator()
  /// Output queued per stream above which writers should wait.
  let lowWaterMark: Int

  private struct StreamOutput {
    var buffer: ByteBuffer?
    var finished = false
    var trailers: HeaderBlock?
    var deferred = false
    var notifyOnDrain = false
  }

  /// A pre-encoded header list, reusable across submissions (nghttp2 copies it). Immutable
  /// after init, hence shareable.
  final class HeaderBlock: @unchecked Sendable {
    fileprivate let fields: UnsafeMutablePointer<nghttp2_nv>
    fileprivate let count: Int
    private let storage: UnsafeMutableRawBufferPointer

    init(_ pairs: [(String, String)]) {
      let size = pairs.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count }
      storage = .allocate(byteCount: max(size, 1), alignment: 1)
      fields = .allocate(capacity: max(pairs.count, 1))
      count = pairs.count
      var offset = 0
      for (index, (name, value)) in pairs.enumerated() {
        let base = storage.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let nameStart = base + offset
        UnsafeMutableRawBufferPointer(rebasing: storage[offset...]).copyBytes(from: name.utf8)
        offset += name.utf8.count
        let valueStart = base + offset
        UnsafeMutableRawBufferPointer(rebasing: storage[offset...]).copyBytes(from: value.utf8)
        offset += value.utf8.count
        fields[index] = nghttp2_nv(
          name: nameStart, value: valueStart, namelen: name.utf8.count,
          valuelen: value.utf8.count, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
      }
    }

    deinit {
      fields.deallocate()
      storage.deallocate()
    }
  }

  /// Why the session failed.
  struct Failure: Error, CustomStringConvertible {
    let code: Int
    var description: String { String(cString: nghttp2_strerror(Int32(code))) }
  }

  /// Creates a server or client session and queues the initial SETTINGS.
  init(server: Bool, settings: NGHTTP2Settings, lowWaterMark: Int = 64 << 10) {
    self.lowWaterMark = lowWaterMark
    var callbacks: OpaquePointer?
    nghttp2_session_callbacks_new(&callbacks)
    defer { nghttp2_session_callbacks_del(callbacks) }
    Self.install(callbacks)
    var option: OpaquePointer?
    nghttp2_option_new(&option)
    defer { nghttp2_option_del(option) }
    nghttp2_option_set_max_send_header_block_length(option, 64 << 10)
    let user = Unmanaged.passUnretained(self).toOpaque()
    if server {
      nghttp2_session_server_new2(&session, callbacks, user, option)
    } else {
      nghttp2_session_client_new2(&session, callbacks, user, option)
    }
    var entries = [
      nghttp2_settings_entry(
        settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
        value: settings.initialWindowSize),
      nghttp2_settings_entry(
        settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
        value: settings.maxHeaderListSize),
      nghttp2_settings_entry(
        settings_id: Int32(NGHTTP2_SETTINGS_MAX_FRAME_SIZE.rawValue), value: settings.maxFrameSize),
    ]
    if server {
      entries.append(
        nghttp2_settings_entry(
          settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
          value: settings.maxConcurrentStreams))
    } else {
      entries.append(
        nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0))
    }
    nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries, entries.count)
    nghttp2_session_set_local_window_size(
      session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, settings.connectionWindowSize)
  }

  deinit {
    nghttp2_session_del(session)
  }

  // MARK: input and output

  /// Feeds received bytes; delegate calls happen during this call.
  func receive(_ bytes: ByteBuffer) throws(Failure) {
    let result = bytes.withUnsafeReadableBytes { raw in
      nghttp2_session_mem_recv(
        session, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
    }
    if result < 0 { throw Failure(code: result) }
  }

  /// Serializes pending frames into one buffer of at most about `maxBytes`; `nil` when idle.
  func pullOutput(maxBytes: Int) throws(Failure) -> ByteBuffer? {
    var out: ByteBuffer?
    while (out?.readableBytes ?? 0) < maxBytes {
      var pointer: UnsafePointer<UInt8>?
      let length = nghttp2_session_mem_send(session, &pointer)
      if length < 0 { throw Failure(code: length) }
      if length == 0 { break }
      let chunk = UnsafeRawBufferPointer(start: pointer, count: length)
      if out == nil { out = allocator.buffer(capacity: max(length, 16 << 10)) }
      out!.writeBytes(chunk)
    }
    return out
  }

  /// Whether nghttp2 still wants to read or write; when neither, the connection can close.
  var isAlive: Bool {
    nghttp2_session_want_read(session) != 0 || nghttp2_session_want_write(session) != 0
  }

  /// Whether nghttp2 has frames to write.
  var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }

  /// The highest peer stream id handed to the application.
  var lastProcessedStreamID: Int32 { nghttp2_session_get_last_proc_stream_id(session) }
}

// MARK: - submitting frames

extension NGHTTP2Session {
  /// Submits a server response; with `endStream` the headers are the whole response
  /// (trailers-only), otherwise DATA follows from the stream's queue.
  @discardableResult
  func submitResponse(stream: Int32, headers: HeaderBlock, endStream: Bool) -> Bool {
    if endStream {
      return nghttp2_submit_response(session, stream, headers.fields, headers.count, nil) == 0
    }
    outputs[stream] = StreamOutput(deferred: false)
    var provider = Self.dataProvider()
    return nghttp2_submit_response(session, stream, headers.fields, headers.count, &provider) == 0
  }

  /// Submits a client request whose body comes from the stream's queue; returns the stream
  /// id, or `nil` when the session refuses (e.g. after GOAWAY).
  func submitRequest(headers: HeaderBlock) -> Int32? {
    var provider = Self.dataProvider()
    let stream = nghttp2_submit_request(session, nil, headers.fields, headers.count, &provider, nil)
    guard stream > 0 else { return nil }
    outputs[stream] = StreamOutput(deferred: false)
    return stream
  }

  /// Queues body bytes on a stream opened with a data provider.
  func enqueue(_ bytes: ByteBuffer, stream: Int32) {
    guard let index = outputs.index(forKey: stream), !outputs.values[index].finished else {
      return
    }
    if outputs.values[index].buffer == nil {
      outputs.values[index].buffer = bytes
    } else {
      outputs.values[index].buffer!.writeImmutableBuffer(bytes)
    }
    if outputs.values[index].deferred {
      outputs.values[index].deferred = false
      nghttp2_session_resume_data(session, stream)
    }
  }

  /// Ends a stream's body, sending `trailers` after the queued data when given.
  func finish(stream: Int32, trailers: HeaderBlock?) {
    guard let index = outputs.index(forKey: stream), !outputs.values[index].finished else {
      return
    }
    outputs.values[index].finished = true
    outputs.values[index].trailers = trailers
    if outputs.values[index].deferred {
      outputs.values[index].deferred = false
      nghttp2_session_resume_data(session, stream)
    }
  }

  /// Bytes queued on a stream and not yet taken by nghttp2.
  func queuedBytes(stream: Int32) -> Int { outputs[stream]?.buffer?.readableBytes ?? 0 }

  /// Asks for `session(drained:)` once the stream's queue falls to the low-water mark.
  func notifyWhenDrained(stream: Int32) {
    outputs[stream]?.notifyOnDrain = true
  }

  /// Whether the stream still has an output queue (open on our side).
  func hasOutput(stream: Int32) -> Bool { outputs[stream] != nil }

  /// Resets a stream (RST_STREAM); `cancel` uses CANCEL, otherwise NO_ERROR.
  func reset(stream: Int32, cancel: Bool) {
    let code = cancel ? NGHTTP2_CANCEL.rawValue : NGHTTP2_NO_ERROR.rawValue
    nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream, code)
  }

  /// Sends GOAWAY naming the last stream this side will process.
  func goAway(lastStreamID: Int32, errorCode: UInt32 = 0) {
    nghttp2_submit_goaway(
      session, UInt8(NGHTTP2_FLAG_NONE.rawValue), lastStreamID, errorCode, nil, 0)
  }

  /// Ends the session: GOAWAY with the last processed stream, then no more reading.
  func terminate(errorCode: UInt32 = 0) {
    nghttp2_session_terminate_session(session, errorCode)
  }
}

// MARK: - C callbacks (capture-free trampolines recovering the session through user data)

extension NGHTTP2Session {
  private static func from(_ user: UnsafeMutableRawPointer?) -> NGHTTP2Session {
    Unmanaged<NGHTTP2Session>.fromOpaque(user!).takeUnretainedValue()
  }

  private static func dataProvider() -> nghttp2_data_provider {
    nghttp2_data_provider(
      source: nghttp2_data_source(ptr: nil),
      read_callback: { _, stream, buffer, length, flags, _, user in
        NGHTTP2Session.from(user).read(stream: stream, into: buffer!, length: length, flags: flags!)
      })
  }

  private static func install(_ callbacks: OpaquePointer?) {
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, user in
      NGHTTP2Session.from(user).pendingHeaders[frame!.pointee.hd.stream_id] = []
      return 0
    }
    nghttp2_session_callbacks_set_on_header_callback(callbacks) {
      _, frame, name, nameLength, value, valueLength, _, user in
      let session = NGHTTP2Session.from(user)
      let stream = frame!.pointee.hd.stream_id
      let field = (
        name: String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self),
        value: String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
      )
      session.pendingHeaders[stream, default: []].append(field)
      return 0
    }
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, user in
      NGHTTP2Session.from(user).frameReceived(frame!.pointee)
      return 0
    }
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) {
      _, _, stream, data, length, user in
      let session = NGHTTP2Session.from(user)
      var buffer = session.allocator.buffer(capacity: length)
      buffer.writeBytes(UnsafeRawBufferPointer(start: data, count: length))
      session.delegate?.session(data: buffer, stream: stream)
      return 0
    }
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, stream, code, user in
      let session = NGHTTP2Session.from(user)
      session.outputs[stream] = nil
      session.pendingHeaders[stream] = nil
      session.delegate?.session(closed: stream, errorCode: code)
      return 0
    }
  }

  private func frameReceived(_ frame: nghttp2_frame) {
    let stream = frame.hd.stream_id
    let endStream = frame.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
    switch UInt32(frame.hd.type) {
    case NGHTTP2_HEADERS.rawValue:
      let headers = pendingHeaders.removeValue(forKey: stream) ?? []
      delegate?.session(headers: headers, stream: stream, endStream: endStream)
    case NGHTTP2_DATA.rawValue where endStream:
      delegate?.session(endOfStream: stream)
    case NGHTTP2_GOAWAY.rawValue:
      delegate?.session(goAway: frame.goaway.last_stream_id, errorCode: frame.goaway.error_code)
    default:
      break
    }
  }

  private func read(
    stream: Int32, into target: UnsafeMutablePointer<UInt8>, length: Int,
    flags: UnsafeMutablePointer<UInt32>
  ) -> Int {
    guard let index = outputs.index(forKey: stream) else {
      return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
    }
    var copied = 0
    if outputs.values[index].buffer != nil {
      copied = outputs.values[index].buffer!.readWithUnsafeReadableBytes { raw in
        let count = min(length, raw.count)
        guard count > 0 else { return 0 }
        UnsafeMutableRawPointer(target).copyMemory(from: raw.baseAddress!, byteCount: count)
        return count
      }
      if outputs.values[index].buffer!.readableBytes == 0 { outputs.values[index].buffer = nil }
    }
    let remaining = outputs.values[index].buffer?.readableBytes ?? 0
    var notify = false
    if outputs.values[index].notifyOnDrain, remaining <= lowWaterMark {
      outputs.values[index].notifyOnDrain = false
      notify = true
    }
    if remaining == 0 && outputs.values[index].finished {
      flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
      if let trailers = outputs.values[index].trailers {
        flags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
        nghttp2_submit_trailer(session, stream, trailers.fields, trailers.count)
      }
      outputs.remove(at: index)
    } else if copied == 0 {
      outputs.values[index].deferred = true
      return Int(NGHTTP2_ERR_DEFERRED.rawValue)
    }
    if notify { delegate?.session(drained: stream) }
    return copied
  }
}
