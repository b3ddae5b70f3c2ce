// libFuzzer target `DeframerFuzz` (tools/fuzz DeframerFuzz [SECONDS]); without -DFUZZING, a replay of saved
// inputs: `DeframerFuzz FILE|DIR...`. The check itself lives in FuzzChecks.
import FuzzChecks

#if FUZZING
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.testOneInput(DeframerFuzz.self, data, size)
  }

  @_cdecl("LLVMFuzzerInitialize")
  public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    FuzzDriver.initialize(DeframerFuzz.self)
  }
#else
  @main enum Replay {
    static func main() { FuzzDriver.replay(DeframerFuzz.self) }
  }
#endif
