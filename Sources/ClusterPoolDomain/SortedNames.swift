/// An organization's pool names in ascending order, kept in chunks of at most about
/// 2 × ``chunkLimit`` names, so that adding a name moves one chunk's tail, not the tail of all
/// of them: with tens of thousands of pools, inserting into (or merging into) one sorted array
/// moved the whole array at every commit a server applied, its own and each one followed from
/// other replicas (5 % of a replica's CPU at 11,000 pools in one organization, growing with
/// them). A copy shares the chunks it does not change (a snapshot a reader holds costs one
/// chunk's copy at the next insert, not the whole list's).
struct SortedNames: Sendable, Sequence, Equatable {
  /// Where a chunk is split in two.
  let chunkLimit: Int
  /// Each non-empty, ascending, every name of one below every name of the next.
  private var chunks: [[String]] = []
  /// Number of names.
  private(set) var count = 0

  init(chunkLimit: Int = 512) {
    self.chunkLimit = Swift.max(chunkLimit, 1)
  }

  /// A place between names: before the name at `index` of chunk `chunk`; the end is
  /// (chunks.count, 0).
  struct Position: Equatable {
    var chunk: Int
    var index: Int
  }

  /// Adds `name`, which must not be present.
  mutating func insert(_ name: String) {
    count += 1
    guard !chunks.isEmpty else {
      chunks = [[name]]
      return
    }
    let chunk = Swift.min(firstChunk { !($0 < name) }, chunks.count - 1)
    chunks[chunk].insert(name, at: chunks[chunk].lowerBound(of: name))
    guard chunks[chunk].count > 2 * chunkLimit else { return }
    let tail = Array(chunks[chunk][chunkLimit...])
    chunks[chunk].removeSubrange(chunkLimit...)
    chunks.insert(tail, at: chunk + 1)
  }

  var start: Position { Position(chunk: 0, index: 0) }
  var end: Position { Position(chunk: chunks.count, index: 0) }

  /// Before the first name not less than `value`.
  func lowerBound(of value: String) -> Position {
    let chunk = firstChunk { !($0 < value) }
    return chunk == chunks.count ? end : Position(chunk: chunk, index: chunks[chunk].lowerBound(of: value))
  }

  /// Before the first name greater than `value`.
  func upperBound(of value: String) -> Position {
    let chunk = firstChunk { $0 > value }
    return chunk == chunks.count ? end : Position(chunk: chunk, index: chunks[chunk].upperBound(of: value))
  }

  /// Calls `body` with the names from `position` on, ascending, while it returns true.
  func visit(ascendingFrom position: Position, _ body: (String) -> Bool) {
    var index = position.index
    for chunk in chunks[Swift.min(position.chunk, chunks.count)...] {
      while index < chunk.count {
        guard body(chunk[index]) else { return }
        index += 1
      }
      index = 0
    }
  }

  /// Calls `body` with the names before `position`, descending, while it returns true.
  func visit(descendingBefore position: Position, _ body: (String) -> Bool) {
    var chunk = position.chunk
    var index = position.index - 1
    while true {
      if index < 0 {
        chunk -= 1
        guard chunk >= 0 else { return }
        index = chunks[chunk].count - 1
      }
      guard body(chunks[chunk][index]) else { return }
      index -= 1
    }
  }

  /// The first chunk whose last name satisfies `belongs` (which holds for a suffix of the
  /// chunks); chunks.count when none.
  private func firstChunk(_ belongs: (String) -> Bool) -> Int {
    var low = 0
    var high = chunks.count
    while low < high {
      let mid = (low + high) / 2
      if belongs(chunks[mid][chunks[mid].count - 1]) { high = mid } else { low = mid + 1 }
    }
    return low
  }

  func makeIterator() -> FlattenSequence<[[String]]>.Iterator { chunks.joined().makeIterator() }

  static func == (a: Self, b: Self) -> Bool { a.count == b.count && a.elementsEqual(b) }
}
