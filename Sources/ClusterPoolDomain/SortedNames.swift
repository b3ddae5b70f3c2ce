/// An organization's pool names in ascending order, kept in chunks of at most about
/// 2 × ``chunkLimit`` names, so that adding a name moves one chunk's tail, not the tail of all
/// of them: with tens of thousands of pools, inserting into (or merging into) one sorted array
/// moved the whole array at every commit a server applied, its own and each one followed from
/// other replicas (5 % of a replica's CPU at 11,000 pools in one organization, growing with
/// them). A copy shares the chunks it does not change (a snapshot a reader holds costs one
/// chunk's copy at the next insert, not the whole list's). Each chunk also packs its names'
/// bytes (``NameChunk``), which a name filter scans (``visit(ascendingFrom:passing:_:)``).
struct SortedNames: Sendable, Sequence, Equatable {
  /// Where a chunk is split in two.
  let chunkLimit: Int
  /// Each non-empty, ascending, every name of one below every name of the next.
  private var chunks: [NameChunk] = []
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
      chunks = [NameChunk([name])]
      return
    }
    let chunk = Swift.min(firstChunk { !($0 < name) }, chunks.count - 1)
    chunks[chunk].insert(name, at: chunks[chunk].names.lowerBound(of: name))
    guard chunks[chunk].count > 2 * chunkLimit else { return }
    let tail = chunks[chunk].splitOff(from: chunkLimit)
    chunks.insert(tail, at: chunk + 1)
  }

  /// Removes `name`; false when it is not present.
  @discardableResult
  mutating func remove(_ name: String) -> Bool {
    let position = lowerBound(of: name)
    guard position.chunk < chunks.count, chunks[position.chunk].names[position.index] == name else { return false }
    count -= 1
    if chunks[position.chunk].count == 1 {
      chunks.remove(at: position.chunk)
    } else {
      chunks[position.chunk].remove(at: position.index)
    }
    return true
  }

  var start: Position { Position(chunk: 0, index: 0) }
  var end: Position { Position(chunk: chunks.count, index: 0) }

  /// Before the first name not less than `value`.
  func lowerBound(of value: String) -> Position {
    let chunk = firstChunk { !($0 < value) }
    return chunk == chunks.count ? end : Position(chunk: chunk, index: chunks[chunk].names.lowerBound(of: value))
  }

  /// Before the first name greater than `value`.
  func upperBound(of value: String) -> Position {
    let chunk = firstChunk { $0 > value }
    return chunk == chunks.count ? end : Position(chunk: chunk, index: chunks[chunk].names.upperBound(of: value))
  }

  /// Calls `body` with the names from `position` on, ascending, while it returns true.
  func visit(ascendingFrom position: Position, _ body: (String) -> Bool) {
    var index = position.index
    for chunk in chunks[Swift.min(position.chunk, chunks.count)...] {
      while index < chunk.count {
        guard body(chunk.names[index]) else { return }
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
      guard body(chunks[chunk].names[index]) else { return }
      index -= 1
    }
  }

  /// Calls `body` with the names from `position` on that pass `filter`, ascending, while it
  /// returns true; each chunk's bytes are scanned at once.
  func visit(ascendingFrom position: Position, passing filter: NameFilter, _ body: (String) -> Bool) {
    guard !filter.passesEveryName else { return visit(ascendingFrom: position, body) }
    var hits: [Int] = []
    var index = position.index
    for chunk in chunks[Swift.min(position.chunk, chunks.count)...] {
      hits.removeAll(keepingCapacity: true)
      filter.collect(chunk, index..<chunk.count, into: &hits)
      for hit in hits {
        guard body(chunk.names[hit]) else { return }
      }
      index = 0
    }
  }

  /// Calls `body` with the names before `position` that pass `filter`, descending, while it
  /// returns true.
  func visit(descendingBefore position: Position, passing filter: NameFilter, _ body: (String) -> Bool) {
    guard !filter.passesEveryName else { return visit(descendingBefore: position, body) }
    var hits: [Int] = []
    var chunk = position.chunk
    var end = position.index
    while chunk >= 0 {
      if chunk < chunks.count {
        hits.removeAll(keepingCapacity: true)
        filter.collect(chunks[chunk], 0..<end, into: &hits)
        for hit in hits.reversed() {
          guard body(chunks[chunk].names[hit]) else { return }
        }
      }
      chunk -= 1
      end = chunk >= 0 ? chunks[chunk].count : 0
    }
  }

  /// The first chunk whose last name satisfies `belongs` (which holds for a suffix of the
  /// chunks); chunks.count when none.
  private func firstChunk(_ belongs: (String) -> Bool) -> Int {
    var low = 0
    var high = chunks.count
    while low < high {
      let mid = (low + high) / 2
      if belongs(chunks[mid].last) { high = mid } else { low = mid + 1 }
    }
    return low
  }

  func makeIterator() -> FlattenSequence<[[String]]>.Iterator { chunks.map(\.names).joined().makeIterator() }

  static func == (a: Self, b: Self) -> Bool { a.count == b.count && a.elementsEqual(b) }
}
