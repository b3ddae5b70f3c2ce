#if canImport(Glibc)
  import Glibc
#endif

/// What the start leaves behind in the heap.
enum StartupMemory {
  /// Gives the pages of the heap that the start used and freed back to the system.
  ///
  /// Opening the store reads every row, decodes it and builds the read model from it: far
  /// more memory passes through `malloc` than the model keeps, and glibc keeps freed memory
  /// inside its heaps (below their top, in every thread's arena) for the life of the
  /// process. `malloc_trim(0)` releases the free pages of every arena (1.5 MiB of a
  /// 10,000-pool store's 15.7 MiB anonymous memory in `tools/bench memory`). Called once,
  /// when the server starts listening; later frees are the allocator's business as usual.
  static func release() {
    #if canImport(Glibc)
      // glibc's <malloc.h> is not part of the Glibc module: found by name (RTLD_DEFAULT)
      typealias Trim = @convention(c) (Int) -> Int32
      guard let trim = dlsym(nil, "malloc_trim") else { return }
      _ = unsafeBitCast(trim, to: Trim.self)(0)
    #endif
  }
}
