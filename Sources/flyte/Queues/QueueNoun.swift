/// The noun `queue` as every verb spells it.
enum QueueNoun {
  static let name = "queue"
  static let aliases = ["queues"]
}
