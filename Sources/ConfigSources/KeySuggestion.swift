/// The known key closest to an unknown one, for "did you mean" (nil when none is close).
enum KeySuggestion {
  static func closest(to key: String, among keys: some Sequence<String>) -> String? {
    var best: (key: String, distance: Int)?
    for candidate in keys {
      let distance = editDistance(key, candidate)
      if distance < (best?.distance ?? Int.max) || (distance == best?.distance && candidate < best!.key) {
        best = (candidate, distance)
      }
    }
    guard let best, best.distance <= max(2, key.count / 3) else { return nil }
    return best.key
  }

  /// Edit distance counting a swap of two neighbours as one edit (`prot` is 1 from `port`).
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
      }
    }
    return d[a.count][b.count]
  }
}
