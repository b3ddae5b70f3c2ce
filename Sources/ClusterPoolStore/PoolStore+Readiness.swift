extension PoolStore {
  /// Whether the store takes writes (not yet closed): part of the server's readiness.
  public var isOpen: Bool { !writes.isClosed }
}
