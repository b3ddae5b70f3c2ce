// libFuzzer target `WireCallFuzz` (tools/fuzz WireCallFuzz [SECONDS]); without -DFUZZING, a replay of saved
// inputs: `WireCallFuzz FILE|DIR...`. The check itself lives in FuzzChecks.
import FuzzChecks

#if FUZZING
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.testOneInput(WireCallFuzz.self, data, size)
  }

  @_cdecl("LLVMFuzzerInitialize")
  public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    FuzzDriver.initialize(WireCallFuzz.self)
  }
#else
  @main enum Replay {
    static func main() { FuzzDriver.replay(WireCallFuzz.self) }
  }
#endif
