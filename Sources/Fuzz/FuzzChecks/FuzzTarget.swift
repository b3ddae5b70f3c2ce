/// One thing a fuzzer drives: a check of one input that throws a ``FuzzFinding`` when the code
/// under test breaks a promise, and valid inputs to start the corpus from.
///
/// A check never traps on its own: a crash inside it is the code under test crashing. The
/// libFuzzer executables (`tools/fuzz TARGET`) abort on a finding; `FuzzChecksTests` replays
/// the seeds and the committed regression inputs through the same checks.
public protocol FuzzTarget {
  /// The executable's name, e.g. `ProtoDecodeFuzz`.
  static var name: String { get }
  /// Runs one input.
  static func check(_ data: UnsafeRawBufferPointer) throws(FuzzFinding)
  /// Valid inputs that reach deep into the code under test.
  static var seeds: [[UInt8]] { get }
}

/// A broken promise found by a ``FuzzTarget``: what was expected and what happened.
public struct FuzzFinding: Error, Sendable, CustomStringConvertible {
  /// What went wrong, naming the promise.
  public var description: String
  /// The tracker's issue point of a known defect this finding shows (e.g. `16.1`), if any:
  /// `FUZZ_KNOWN_ISSUES=16.0,16.1` lets a long run go on past those until their fixes merge.
  public var issue: String?

  public init(_ description: String, issue: String? = nil) {
    self.description = description
    self.issue = issue
  }
}

extension FuzzTarget {
  /// Runs one input held in an array (tests, replays).
  public static func check(bytes: [UInt8]) throws(FuzzFinding) {
    var finding: FuzzFinding?
    bytes.withUnsafeBytes { raw in
      do throws(FuzzFinding) { try check(raw) } catch { finding = error }
    }
    if let finding { throw finding }
  }
}
