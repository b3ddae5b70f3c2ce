/// A run of names in ascending order, one chunk of ``SortedNames``, with their UTF-8 bytes
/// packed end to end (each followed by a NUL, which no name contains): the index a name
/// filter scans. A `CONTAINS` over an organization of 100,000 pools searched the bytes of each
/// `String` (and a dictionary lookup per name for its pool) and took 79 ms for one page; over
/// the packed bytes it is one pass of byte comparisons.
struct NameChunk: Sendable {
  /// Ascending, non-empty once built.
  private(set) var names: [String]
  /// Every name's UTF-8 bytes, each followed by 0.
  private(set) var bytes: [UInt8]
  /// Where each name's bytes start in `bytes`, and one entry more: `bytes.count`.
  private(set) var starts: [Int32]

  init<Names: Collection>(_ names: Names) where Names.Element == String {
    self.names = Array(names)
    bytes = []
    starts = [0]
    starts.reserveCapacity(self.names.count + 1)
    for name in self.names {
      bytes.append(contentsOf: name.utf8)
      bytes.append(0)
      starts.append(Int32(bytes.count))
    }
  }

  var count: Int { names.count }
  var last: String { names[names.count - 1] }

  /// Adds `name` before the name at `index`.
  mutating func insert(_ name: String, at index: Int) {
    let start = Int(starts[index])
    var packed = Array(name.utf8)
    packed.append(0)
    bytes.insert(contentsOf: packed, at: start)
    names.insert(name, at: index)
    starts.insert(Int32(start), at: index)
    shiftStarts(after: index, by: Int32(packed.count))
  }

  /// Removes the name at `index`.
  mutating func remove(at index: Int) {
    let (start, end) = (Int(starts[index]), Int(starts[index + 1]))
    bytes.removeSubrange(start..<end)
    names.remove(at: index)
    starts.remove(at: index)
    shiftStarts(after: index - 1, by: -Int32(end - start))
  }

  private mutating func shiftStarts(after index: Int, by delta: Int32) {
    starts.withUnsafeMutableBufferPointer { starts in
      var i = index + 1
      while i < starts.count {
        starts[i] += delta
        i += 1
      }
    }
  }

  /// The names from `index` on, as a chunk of their own; these are removed from this one.
  mutating func splitOff(from index: Int) -> NameChunk {
    let tail = NameChunk(names[index...])
    self = NameChunk(names[..<index])
    return tail
  }
}
