// libFuzzer target `ProtoDecodeFuzz` (tools/fuzz ProtoDecodeFuzz [SECONDS]); without -DFUZZING, a replay of saved
// inputs: `ProtoDecodeFuzz FILE|DIR...`. The check itself lives in FuzzChecks.
import FuzzChecks

#if FUZZING
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.testOneInput(ProtoDecodeFuzz.self, data, size)
  }

  @_cdecl("LLVMFuzzerInitialize")
  public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    FuzzDriver.initialize(ProtoDecodeFuzz.self)
  }
#else
  @main enum Replay {
    static func main() { FuzzDriver.replay(ProtoDecodeFuzz.self) }
  }
#endif
