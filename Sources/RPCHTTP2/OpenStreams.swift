/// A server connection's open call streams by stream id: the first in a field of its own, the
/// others (concurrent calls) in a dictionary.
///
/// Most connections carry one call at a time (a client's unary calls, a cluster's heartbeat):
/// the stream goes in and out of `one`, and nothing is hashed or allocated. A `[Int32:
/// ServerStream]` allocated its storage at the first call and kept it for the life of the
/// connection (96 bytes of every idle connection). `more` allocates only when calls overlap,
/// and keeps its storage then, as a dictionary does.
struct OpenStreams {
  private var one: ServerStream?
  private var more: [Int32: ServerStream] = [:]

  init() {}

  var isEmpty: Bool { one == nil && more.isEmpty }
  var count: Int { (one == nil ? 0 : 1) + more.count }

  /// Every open stream, in no particular order.
  var all: [ServerStream] {
    var all = Array(more.values)
    if let one { all.append(one) }
    return all
  }

  subscript(id: Int32) -> ServerStream? {
    get {
      if let one, one.id == id { return one }
      return more.isEmpty ? nil : more[id]
    }
    set {
      // One hash operation at most, as a dictionary alone: an id goes in once, while it is
      // not open, and out once.
      if let stream = newValue {
        assert(stream.id == id && (one?.id == id || more[id] == nil), "a new stream, under its own id")
        if one == nil || one!.id == id { one = stream } else { more[id] = stream }
      } else if let one, one.id == id {
        self.one = nil
      } else if !more.isEmpty {
        more[id] = nil
      }
    }
  }
}
