extension ClusterWatchHub {
  /// How many WatchClusters streams are open.
  var count: Int { state.withLock { $0.watchers.count } }
}
