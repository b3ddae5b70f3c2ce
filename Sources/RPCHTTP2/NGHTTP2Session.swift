internal import CNGHTTP2
internal import NIOCore

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
/// Stored properties are `@exclusivity(unchecked)`: the class lives on one event loop, and the
/// run-time check of each access (`swift_beginAccess`) cost pool Get 0.45 µs of ~5.9 with
/// the optimizations it blocked (README, Metrics and health).
final class NGHTTP2Session {
  @exclusivity(unchecked) private var session: OpaquePointer?
  /// The owner: it owns the session, so the session never outlives it.
  @exclusivity(unchecked) unowned(unsafe) var delegate: NGHTTP2SessionDelegate?
  /// The buffer being fed to nghttp2, so DATA payloads (which point into it) are sliced
  /// rather than copied.
  @exclusivity(unchecked) private var input: ByteBuffer?
  @exclusivity(unchecked) private var inputBase: UnsafeRawPointer?
  private let allocator = ByteBufferAllocator()
  private let isServer: Bool
  /// A server session's allocations (its frame buffer is its thread's, `SessionAllocations`).
  private let allocations: UnsafeMutablePointer<SessionAllocations>?
  /// Output queued per stream above which writers should wait.
  let lowWaterMark: Int
  /// Body bytes queued on all streams and not yet taken by nghttp2: replies encoded but not
  /// sent (the reply budget counts them).
  @exclusivity(unchecked) private(set) var queuedBytes = 0

  /// Records of open streams, a linked list that owns them (nghttp2 holds unretained
  /// pointers as stream user data) until their streams close or the session goes away.
  @exclusivity(unchecked) private var liveRecords: StreamRecord?
  /// Client streams' records by id: a submitted request has no nghttp2 stream (nor user
  /// data) until its HEADERS frame goes out, which may wait for a concurrency slot.
  @exclusivity(unchecked) private var clientRecords: [Int32: StreamRecord] = [:]

  /// Per-stream output state, nghttp2's stream user data and the data provider's source.
  private final class StreamRecord {
    @exclusivity(unchecked) var next: StreamRecord?
    @exclusivity(unchecked) unowned(unsafe) var previous: StreamRecord?
    @exclusivity(unchecked) var buffer: ByteBuffer?
    @exclusivity(unchecked) var finished = false
    @exclusivity(unchecked) var trailers: HeaderBlock?
    @exclusivity(unchecked) var deferred = false
    @exclusivity(unchecked) var notifyOnDrain = false
    /// A data provider is attached and has not reached EOF.
    @exclusivity(unchecked) var sending = false
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
  /// A server session shares its frame buffer with the other server sessions of the thread
  /// creating it, and must only be used on that thread.
  init(server: Bool, settings: NGHTTP2Settings, lowWaterMark: Int = 64 << 10) {
    self.lowWaterMark = lowWaterMark
    self.isServer = server
    if server {
      allocations = .allocate(capacity: 1)
      allocations!.initialize(to: SessionAllocations())
    } else {
      allocations = nil
    }
    var callbacks: OpaquePointer?
    nghttp2_session_callbacks_new(&callbacks)
    defer { nghttp2_session_callbacks_del(callbacks) }
    Self.install(callbacks)
    var option: OpaquePointer?
    nghttp2_option_new(&option)
    defer { nghttp2_option_del(option) }
    nghttp2_option_set_max_send_header_block_length(option, Self.maxSendHeaderBlock)
    // Stream windows are returned as the application reads (see `consume`), so a reader
    // that falls behind stops its peer instead of buffering without bound; the connection
    // window is returned on receipt so one slow stream never stalls the others.
    nghttp2_option_set_no_auto_window_update(option, 1)
    let user = Unmanaged.passUnretained(self).toOpaque()
    if let allocations {
      // A closed stream is forgotten at once rather than kept (up to SETTINGS_MAX_CONCURRENT_
      // STREAMS of them per connection) for RFC 7540 priorities, which gRPC clients never send.
      nghttp2_option_set_no_closed_streams(option, 1)
      var memory = Self.memory(allocations)
      nghttp2_session_server_new3(&session, callbacks, user, option, &memory)
      allocations.pointee.creating = false
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
    allocations?.deinitialize(count: 1)
    allocations?.deallocate()
    while let record = liveRecords { unlink(record) }  // iteratively, not by recursive release
  }

  // MARK: input and output

  /// Feeds received bytes; delegate calls happen during this call.
  func receive(_ bytes: ByteBuffer) throws(Failure) {
    allocations?.pointee.noteActivity()  // before nghttp2 may open a stream in its map
    let result = bytes.withUnsafeReadableBytes { raw in
      input = bytes
      inputBase = UnsafeRawPointer(raw.baseAddress)
      defer {
        input = nil
        inputBase = nil
      }
      return nghttp2_session_mem_recv(
        session, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
    }
    if result < 0 { throw Failure(code: result) }
  }

  /// Serializes pending frames into one buffer of at most about `maxBytes`; `nil` when idle.
  func pullOutput(maxBytes: Int) throws(Failure) -> ByteBuffer? {
    var out = allocator.buffer(capacity: 16 << 10)
    return try pullOutput(into: &out, maxBytes: maxBytes) ? out : nil
  }

  /// Serializes pending frames at the end of `out`, about `maxBytes` at most; false when
  /// there was nothing to send. The caller owns the buffer: a server connection passes its
  /// event loop's (``LoopOutputBuffer``), so a flush allocates nothing.
  func pullOutput(into out: inout ByteBuffer, maxBytes: Int) throws(Failure) -> Bool {
    assert(allocations?.pointee.onOwningThread ?? true, "a server session used off the thread that made it")
    assert(allocations == nil || SharedFrameBuffer.enter(), "a server session pulled output inside another's")
    defer { assert(allocations == nil || SharedFrameBuffer.leave()) }
    let start = out.writerIndex
    while out.writerIndex - start < maxBytes {
      var pointer: UnsafePointer<UInt8>?
      let length = nghttp2_session_mem_send(session, &pointer)
      if length < 0 { throw Failure(code: length) }
      if length == 0 { break }
      out.writeBytes(UnsafeRawBufferPointer(start: pointer, count: length))
    }
    return out.writerIndex > start
  }

  /// Returns `bytes` of a stream's flow-control window to the peer (DATA the application has
  /// taken); every DATA chunk delivered must be consumed once, now or later.
  func consume(stream: Int32, bytes: Int) {
    guard bytes > 0 else { return }
    nghttp2_session_consume_stream(session, stream, bytes)
  }

  /// Whether nghttp2 still wants to read or write; when neither, the connection can close.
  var isAlive: Bool {
    nghttp2_session_want_read(session) != 0 || nghttp2_session_want_write(session) != 0
  }

  /// The largest header block nghttp2 sends (its own check is stricter than the list size).
  static let maxSendHeaderBlock = 64 << 10

  /// The largest header list (RFC 9113 sizes: name + value + 32 per field) this side sends:
  /// the peer's SETTINGS_MAX_HEADER_LIST_SIZE when it set one, and never past what nghttp2
  /// sends.
  var maxSendHeaderListSize: Int {
    let peer = nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE)
    return min(Int(peer), Self.maxSendHeaderBlock)
  }

  /// Whether nghttp2 has frames to write.
  var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }

  /// The page holding a server session's stream map (`StreamTablePages`), if it has one.
  var streamTablePage: StreamTablePages.Page? { allocations?.pointee.tablePage }

  /// The highest peer stream id handed to the application.
  var lastProcessedStreamID: Int32 { nghttp2_session_get_last_proc_stream_id(session) }
}

// MARK: - submitting frames

extension NGHTTP2Session {
  /// Submits a server response; with `endStream` the headers are the whole response
  /// (trailers-only), otherwise DATA follows from the stream's queue.
  /// `field`, when given, follows the block's fields (a per-call field such as the request
  /// id, without encoding a block per call).
  @discardableResult
  func submitResponse(
    stream: Int32, headers: HeaderBlock, adding field: (name: String, value: String)? = nil, endStream: Bool
  ) -> Bool {
    Self.withFields(headers, adding: field) { fields, count in
      guard !endStream, let record = record(stream) else {
        return nghttp2_submit_response(session, stream, fields, count, nil) == 0
      }
      record.sending = true
      var provider = Self.dataProvider(record)
      return nghttp2_submit_response(session, stream, fields, count, &provider) == 0
    }
  }

  /// Submits a whole server response at once: headers (and `field`), one body, trailers
  /// when given.
  func submitResponse(
    stream: Int32, headers: HeaderBlock, adding field: (name: String, value: String)? = nil, body: ByteBuffer,
    trailers: HeaderBlock?
  ) {
    guard let record = record(stream) else { return }
    queuedBytes += body.readableBytes - (record.buffer?.readableBytes ?? 0)
    record.buffer = body
    record.finished = true
    record.trailers = trailers
    record.sending = true
    var provider = Self.dataProvider(record)
    Self.withFields(headers, adding: field) { fields, count in
      _ = nghttp2_submit_response(session, stream, fields, count, &provider)
    }
  }

  /// The block's fields, followed by `field` when given, for one submission (nghttp2 copies
  /// them); `field` is sent without indexing, its value being a per-call one.
  private static func withFields<R>(
    _ headers: HeaderBlock, adding field: (name: String, value: String)?,
    _ body: (UnsafePointer<nghttp2_nv>, Int) -> R
  ) -> R {
    guard var (name, value) = field else { return body(headers.fields, headers.count) }
    return withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: headers.count + 1) { nva in
      let base = nva.baseAddress!
      base.initialize(from: headers.fields, count: headers.count)
      return name.withUTF8 { nameBytes in
        value.withUTF8 { valueBytes in
          let empty = UnsafeMutablePointer<UInt8>(mutating: nameBytes.baseAddress!)
          (base + headers.count).initialize(
            to: nghttp2_nv(
              name: UnsafeMutablePointer(mutating: nameBytes.baseAddress!),
              value: valueBytes.baseAddress.map { UnsafeMutablePointer(mutating: $0) } ?? empty,
              namelen: nameBytes.count, valuelen: valueBytes.count,
              // never indexed: a value per call would only churn the HPACK table
              flags: UInt8(NGHTTP2_NV_FLAG_NO_INDEX.rawValue)))
          return body(base, headers.count + 1)
        }
      }
    }
  }

  /// Submits a client request whose body comes from the stream's queue; returns the stream
  /// id, or `nil` when the session refuses (e.g. after GOAWAY).
  func submitRequest(headers: HeaderBlock) -> Int32? {
    let record = StreamRecord()
    record.sending = true
    var provider = Self.dataProvider(record)
    let user = Unmanaged.passUnretained(record).toOpaque()
    let stream = nghttp2_submit_request(
      session, nil, headers.fields, headers.count, &provider, user)
    guard stream > 0 else { return nil }
    clientRecords[stream] = record
    return stream
  }

  /// Queues body bytes on a stream opened with a data provider.
  func enqueue(_ bytes: ByteBuffer, stream: Int32) {
    guard let record = record(stream), record.sending, !record.finished else { return }
    queuedBytes += bytes.readableBytes
    if record.buffer == nil {
      record.buffer = bytes
    } else {
      record.buffer!.writeImmutableBuffer(bytes)
    }
    resumeIfDeferred(record, stream)
  }

  /// Ends a stream's body, sending `trailers` after the queued data when given.
  func finish(stream: Int32, trailers: HeaderBlock?) {
    guard let record = record(stream), record.sending, !record.finished else { return }
    record.finished = true
    record.trailers = trailers
    resumeIfDeferred(record, stream)
  }

  private func resumeIfDeferred(_ record: StreamRecord, _ stream: Int32) {
    if record.deferred {
      record.deferred = false
      nghttp2_session_resume_data(session, stream)
    }
  }

  /// Bytes queued on a stream and not yet taken by nghttp2.
  func queuedBytes(stream: Int32) -> Int { record(stream)?.buffer?.readableBytes ?? 0 }

  /// Asks for `session(drained:)` once the stream's queue falls to the low-water mark.
  func notifyWhenDrained(stream: Int32) {
    record(stream)?.notifyOnDrain = true
  }

  /// Whether the stream can still take body bytes from this side.
  func canSend(stream: Int32) -> Bool {
    guard let record = record(stream) else { return false }
    return record.sending && !record.finished
  }

  /// Whether this side's body of the stream has not reached its end on the wire.
  func isSending(stream: Int32) -> Bool { record(stream)?.sending ?? false }

  private func link(_ record: StreamRecord) {
    record.next = liveRecords
    liveRecords?.previous = record
    liveRecords = record
  }

  private func unlink(_ record: StreamRecord) {
    if let previous = record.previous {
      previous.next = record.next
    } else {
      liveRecords = record.next
    }
    record.next?.previous = record.previous
    record.next = nil
    record.previous = nil
  }

  private func record(_ stream: Int32) -> StreamRecord? {
    guard isServer else { return clientRecords[stream] }
    guard let user = nghttp2_session_get_stream_user_data(session, stream) else { return nil }
    return Unmanaged<StreamRecord>.fromOpaque(user).takeUnretainedValue()
  }

  /// Resets a stream (RST_STREAM); `cancel` uses CANCEL, otherwise NO_ERROR.
  func reset(stream: Int32, cancel: Bool) {
    reset(stream: stream, code: cancel ? NGHTTP2_CANCEL.rawValue : NGHTTP2_NO_ERROR.rawValue)
  }

  private func reset(stream: Int32, code: UInt32) {
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

  private static func dataProvider(_ record: StreamRecord) -> nghttp2_data_provider {
    nghttp2_data_provider(
      source: nghttp2_data_source(ptr: Unmanaged.passUnretained(record).toOpaque()),
      read_callback: { _, stream, buffer, length, flags, source, user in
        let record = Unmanaged<StreamRecord>.fromOpaque(source!.pointee.ptr!)
          .takeUnretainedValue()
        return NGHTTP2Session.from(user).read(
          record, stream: stream, into: buffer!, length: length, flags: flags!)
      })
  }

  /// nghttp2's allocator for a server session (`SessionAllocations`).
  private static func memory(_ allocations: UnsafeMutablePointer<SessionAllocations>) -> nghttp2_mem {
    nghttp2_mem(
      mem_user_data: UnsafeMutableRawPointer(allocations),
      malloc: { size, user in
        user!.assumingMemoryBound(to: SessionAllocations.self).pointee.allocate(size)
      },
      free: { pointer, user in
        user!.assumingMemoryBound(to: SessionAllocations.self).pointee.release(pointer)
      },
      calloc: { count, size, user in
        user!.assumingMemoryBound(to: SessionAllocations.self).pointee.allocateZeroed(count, size)
      },
      realloc: { pointer, size, user in
        user!.assumingMemoryBound(to: SessionAllocations.self).pointee.reallocate(pointer, size)
      })
  }

  private static func install(_ callbacks: OpaquePointer?) {
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, user in
      NGHTTP2Session.from(user).beginHeaders(stream: frame!.pointee.hd.stream_id)
      return 0
    }
    nghttp2_session_callbacks_set_on_header_callback(callbacks) {
      _, frame, name, nameLength, value, valueLength, _, user in
      NGHTTP2Session.from(user).delegate?.session(
        header: HeaderBytes(bytes: UnsafeRawBufferPointer(start: name, count: nameLength)),
        value: HeaderBytes(bytes: UnsafeRawBufferPointer(start: value, count: valueLength)),
        stream: frame!.pointee.hd.stream_id)
      return 0
    }
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, user in
      NGHTTP2Session.from(user).frameReceived(frame!.pointee)
      return 0
    }
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) {
      _, _, stream, data, length, user in
      let session = NGHTTP2Session.from(user)
      nghttp2_session_consume_connection(session.session, length)
      session.delegate?.session(data: session.payload(data!, length), stream: stream)
      return 0
    }
    nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks) {
      _, frame, reason, user in
      guard UInt32(frame!.pointee.hd.type) == NGHTTP2_HEADERS.rawValue else { return 0 }
      let session = NGHTTP2Session.from(user)
      if frame!.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
        session.requestNotSent(stream: frame!.pointee.hd.stream_id, reason: reason)
      } else if session.isServer {
        // A response head or trailers nghttp2 would not send (e.g. too large): reset the
        // stream rather than leave the client waiting for an answer that never comes.
        session.reset(stream: frame!.pointee.hd.stream_id, code: NGHTTP2_INTERNAL_ERROR.rawValue)
      }
      return 0
    }
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) {
      _, stream, code, user in
      let session = NGHTTP2Session.from(user)
      if !session.isServer {
        guard let record = session.clientRecords.removeValue(forKey: stream) else { return 0 }
        session.queuedBytes -= record.buffer?.readableBytes ?? 0
        record.buffer = nil
      } else if let record = session.record(stream) {
        nghttp2_session_set_stream_user_data(session.session, stream, nil)
        session.queuedBytes -= record.buffer?.readableBytes ?? 0
        record.buffer = nil
        session.unlink(record)
      }
      session.delegate?.session(closed: stream, errorCode: code)
      return 0
    }
  }

  /// A DATA payload as a slice of the input buffer when it lies inside it, else a copy.
  private func payload(_ data: UnsafePointer<UInt8>, _ length: Int) -> ByteBuffer {
    if let base = inputBase, let input {
      let offset = UnsafeRawPointer(data) - base
      if offset >= 0, offset + length <= input.readableBytes,
        let slice = input.getSlice(at: input.readerIndex + offset, length: length)
      {
        return slice
      }
    }
    var buffer = allocator.buffer(capacity: length)
    buffer.writeBytes(UnsafeRawBufferPointer(start: data, count: length))
    return buffer
  }

  /// A request whose HEADERS nghttp2 will never send (e.g. queued when GOAWAY arrived): the
  /// stream may never have existed inside nghttp2, so report its end here; a later close
  /// callback for the same stream finds nothing left.
  private func requestNotSent(stream: Int32, reason: Int32) {
    guard !isServer, let record = clientRecords.removeValue(forKey: stream) else { return }
    queuedBytes -= record.buffer?.readableBytes ?? 0
    record.buffer = nil
    let refused = reason == NGHTTP2_ERR_START_STREAM_NOT_ALLOWED.rawValue
    delegate?.session(
      closed: stream,
      errorCode: refused ? NGHTTP2_REFUSED_STREAM.rawValue : NGHTTP2_INTERNAL_ERROR.rawValue)
  }

  private func beginHeaders(stream: Int32) {
    if isServer, nghttp2_session_get_stream_user_data(session, stream) == nil {
      let record = StreamRecord()
      link(record)
      nghttp2_session_set_stream_user_data(
        session, stream, Unmanaged.passUnretained(record).toOpaque())
    }
    delegate?.session(beginHeaders: stream)
  }

  private func frameReceived(_ frame: nghttp2_frame) {
    let stream = frame.hd.stream_id
    let endStream = frame.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
    switch UInt32(frame.hd.type) {
    case NGHTTP2_HEADERS.rawValue:
      delegate?.session(endHeaders: stream, endStream: endStream)
    case NGHTTP2_DATA.rawValue where endStream:
      delegate?.session(endOfStream: stream)
    case NGHTTP2_GOAWAY.rawValue:
      delegate?.session(goAway: frame.goaway.last_stream_id, errorCode: frame.goaway.error_code)
    default:
      break
    }
  }

  private func read(
    _ record: StreamRecord, stream: Int32, into target: UnsafeMutablePointer<UInt8>,
    length: Int, flags: UnsafeMutablePointer<UInt32>
  ) -> Int {
    var copied = 0
    if record.buffer != nil {
      copied = record.buffer!.readWithUnsafeReadableBytes { raw in
        let count = min(length, raw.count)
        guard count > 0 else { return 0 }
        UnsafeMutableRawPointer(target).copyMemory(from: raw.baseAddress!, byteCount: count)
        return count
      }
      if record.buffer!.readableBytes == 0 { record.buffer = nil }
      queuedBytes -= copied
    }
    let remaining = record.buffer?.readableBytes ?? 0
    var notify = false
    if record.notifyOnDrain, remaining <= lowWaterMark {
      record.notifyOnDrain = false
      notify = true
    }
    if remaining == 0 && record.finished {
      flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
      record.sending = false
      if let trailers = record.trailers {
        flags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
        nghttp2_submit_trailer(session, stream, trailers.fields, trailers.count)
        record.trailers = nil
      }
    } else if copied == 0 {
      record.deferred = true
      return Int(NGHTTP2_ERR_DEFERRED.rawValue)
    }
    if notify { delegate?.session(drained: stream) }
    return copied
  }
}
