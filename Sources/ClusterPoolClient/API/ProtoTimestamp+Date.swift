internal import ClusterPoolProto
internal import Foundation

extension Google.Protobuf.Timestamp {
  /// The moment as a `Date`.
  var date: Date { Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(nanos) / 1e9) }
}
