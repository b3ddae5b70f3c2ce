import Testing

@testable import ClusterPoolDomain

/// ``SortedNames`` (names in chunks, split when full) against a sorted array: the same names in
/// the same order after random inserts, and the same bounds and walks both ways from them.
@Suite struct SortedNamesTests {
  @Test(arguments: [1, 3, 512]) func matchesASortedArray(chunkLimit: Int) {
    var generator = SeededGenerator(seed: UInt64(chunkLimit))
    var names = SortedNames(chunkLimit: chunkLimit)
    var array: [String] = []
    var copies: [(SortedNames, [String])] = []
    for round in 0..<400 {
      let name = "p\(Int.random(in: 0..<600, using: &generator))"
      if !array.contains(name) {
        names.insert(name)
        array.append(name)
        array.sort()
      }
      if round % 50 == 0 { copies.append((names, array)) }  // copies keep what they held
      #expect(Array(names) == array)
      #expect(names.count == array.count)
      for probe in ["", "p", "p3", "p30", "p299", name, "p599", "q"] {
        let low = array.firstIndex { $0 >= probe } ?? array.count
        let high = array.firstIndex { $0 > probe } ?? array.count
        var ascending: [String] = []
        names.visit(ascendingFrom: names.upperBound(of: probe)) { ascending.append($0); return true }
        #expect(ascending == Array(array[high...]), "after \(probe)")
        var descending: [String] = []
        names.visit(descendingBefore: names.lowerBound(of: probe)) { descending.append($0); return true }
        #expect(descending == Array(array[..<low].reversed()), "before \(probe)")
      }
    }
    var firstThree: [String] = []
    names.visit(ascendingFrom: names.start) { firstThree.append($0); return firstThree.count < 3 }
    #expect(firstThree == Array(array.prefix(3)), "a walk stops when told")
    var lastTwo: [String] = []
    names.visit(descendingBefore: names.end) { lastTwo.append($0); return lastTwo.count < 2 }
    #expect(lastTwo == Array(array.suffix(2).reversed()))
    for (copy, held) in copies { #expect(Array(copy) == held) }
  }
}

/// Removals, and walks through a ``NameFilter``, against a sorted array.
@Suite struct SortedNamesRemovalTests {
  @Test(arguments: [1, 3, 512]) func removalsAndFilteredWalksMatchASortedArray(chunkLimit: Int) {
    var generator = SeededGenerator(seed: UInt64(chunkLimit) + 7)
    var names = SortedNames(chunkLimit: chunkLimit)
    var array: [String] = []
    let filter = NameFilter([.contains("1")])
    for round in 0..<600 {
      let name = "p\(Int.random(in: 0..<300, using: &generator))"
      if array.contains(name) {
        let removed = names.remove(name)
        #expect(removed)
        array.removeAll { $0 == name }
      } else {
        let removed = names.remove(name)
        #expect(!removed, "absent")
        names.insert(name)
        array.append(name)
        array.sort()
      }
      #expect(Array(names) == array && names.count == array.count, "round \(round)")
      for probe in ["", "p1", "p15", name, "q"] {
        var ascending: [String] = []
        names.visit(ascendingFrom: names.upperBound(of: probe), passing: filter) { ascending.append($0); return true }
        #expect(ascending == array.filter { $0 > probe && $0.contains("1") }, "after \(probe)")
        var descending: [String] = []
        names.visit(descendingBefore: names.lowerBound(of: probe), passing: filter) { descending.append($0); return true }
        #expect(descending == array.filter { $0 < probe && $0.contains("1") }.reversed(), "before \(probe)")
      }
    }
  }
}
