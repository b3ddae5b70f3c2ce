/// The noun `cluster` as every verb spells it.
enum ClusterNoun {
  static let name = "cluster"
  static let aliases = ["clusters"]
}
