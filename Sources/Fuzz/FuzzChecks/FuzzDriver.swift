import Foundation

/// What the fuzz executables do around a ``FuzzTarget``: libFuzzer's entry points when built
/// by `tools/fuzz` (`-DFUZZING`), and otherwise a replay of saved inputs.
public enum FuzzDriver {
  /// libFuzzer's `LLVMFuzzerTestOneInput`: a finding is printed and aborts, so libFuzzer
  /// saves the input as a crash.
  public static func testOneInput<T: FuzzTarget>(_: T.Type, _ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    do {
      try T.check(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    } catch {
      if let issue = error.issue, knownIssues.contains(issue) {
        noteKnown(issue, error)
        return 0
      }
      FileHandle.standardError.write(Data("\n==FUZZ FINDING== \(T.name): \(error)\n".utf8))
      abort()
    }
    return 0
  }

  /// `FUZZ_KNOWN_ISSUES` (comma-separated issue points, e.g. `16.0,16.1`): findings of these
  /// are counted, the first of each printed, and the run goes on.
  static let knownIssues = Set(
    (ProcessInfo.processInfo.environment["FUZZ_KNOWN_ISSUES"] ?? "").split(separator: ",").map(String.init))
  nonisolated(unsafe) static var knownSeen: [String: Int] = [:]

  static func noteKnown(_ issue: String, _ finding: FuzzFinding) {
    knownSeen[issue, default: 0] += 1
    let n = knownSeen[issue]!
    if n == 1 || n.nonzeroBitCount == 1 && n >= 1024 {
      FileHandle.standardError.write(Data("==KNOWN ISSUE \(issue)== seen \(n) times, e.g. \(finding)\n".utf8))
    }
  }

  /// libFuzzer's `LLVMFuzzerInitialize`: with `FUZZ_SEED_CORPUS=DIR` in the environment, writes
  /// the target's seeds into DIR (as `seed-N`) before libFuzzer reads its corpus.
  public static func initialize<T: FuzzTarget>(_: T.Type) -> CInt {
    guard let dir = ProcessInfo.processInfo.environment["FUZZ_SEED_CORPUS"] else { return 0 }
    do {
      try writeSeeds(T.self, to: dir)
    } catch {
      FileHandle.standardError.write(Data("\(T.name): cannot write seeds to \(dir): \(error)\n".utf8))
      exit(2)
    }
    return 0
  }

  /// Writes the seeds of `T` into `dir` (created if missing) as `seed-0`, `seed-1`, ...
  public static func writeSeeds<T: FuzzTarget>(_: T.Type, to dir: String) throws {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (i, seed) in T.seeds.enumerated() {
      try Data(seed).write(to: URL(fileURLWithPath: dir).appendingPathComponent("seed-\(i)"))
    }
  }

  /// The executable without libFuzzer: `TARGET FILE|DIR...` runs every input through the
  /// check and exits 1 if any breaks a promise; `TARGET --write-seeds DIR` writes the seeds.
  public static func replay<T: FuzzTarget>(_: T.Type, arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
    if arguments.first == "--write-seeds", arguments.count == 2 {
      do { try writeSeeds(T.self, to: arguments[1]) } catch {
        print("\(T.name): cannot write seeds: \(error)")
        exit(2)
      }
      exit(0)
    }
    guard !arguments.isEmpty, !arguments[0].hasPrefix("-") else {
      print("usage: \(T.name) FILE|DIR...   (replays inputs; tools/fuzz \(T.name) [SECONDS] fuzzes)")
      print("       \(T.name) --write-seeds DIR")
      exit(2)
    }
    var failures = 0
    var count = 0
    for path in inputFiles(arguments) {
      guard let data = FileManager.default.contents(atPath: path) else {
        print("\(path): cannot read")
        failures += 1
        continue
      }
      count += 1
      do { try T.check(bytes: [UInt8](data)) } catch {
        print("\(path): \(error)")
        failures += 1
      }
    }
    print("\(T.name): \(count) inputs, \(failures) findings")
    exit(failures == 0 ? 0 : 1)
  }

  /// The files named, and the files directly inside the directories named, sorted.
  public static func inputFiles(_ paths: [String]) -> [String] {
    var files: [String] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        files += names.filter { !$0.hasPrefix(".") }.sorted().map { "\(path)/\($0)" }
      } else {
        files.append(path)
      }
    }
    return files
  }
}
