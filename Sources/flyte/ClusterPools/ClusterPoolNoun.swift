import ArgumentParser

/// The noun `cluster-pool` as every verb spells it.
enum ClusterPoolNoun {
  static let name = "cluster-pool"
  static let aliases = ["cluster-pools", "clusterpool"]
}
