/// Bounds on decoding a message from an untrusted peer, checked by the wire pre-scan before
/// protobuf-c allocates anything.
///
/// The bytes of a message are bounded by the transport's message size limit, but what decoding
/// them costs is not: protobuf-c keeps a 32-byte record for every field it reads, a C struct for
/// every sub-message and a pointer per repeated element, and the Swift copy as much again, so a
/// 4 MiB List request of 400,000 two-byte `filters` took about 60 MiB to decode. Counting the
/// values first bounds that to roughly 200 bytes per value plus the string bytes.
public struct ProtoDecodeLimits: Sendable, Hashable {
  /// The most field values one message may carry: every field occurrence at every level of
  /// nesting (unknown fields included) and every element of a packed repeated field.
  public var maxFieldValues: Int
  /// Admission of decodes in flight (by their estimated memory); nil admits every decode.
  public var budget: ProtoDecodeBudget?

  public init(maxFieldValues: Int, budget: ProtoDecodeBudget? = nil) {
    self.maxFieldValues = maxFieldValues
    self.budget = budget
  }

  /// For requests a server decodes: 10,000 values (a List request with 1,000 filters of a few
  /// values each, a queue pinned to thousands of clusters), at most about 2 MiB of bookkeeping
  /// besides the strings, and the process-wide ``ProtoDecodeBudget/shared`` budget.
  public static let requests = ProtoDecodeLimits(maxFieldValues: 10_000, budget: .shared)

  /// No limit: what ``ProtoMessage/init(serializedBytes:)`` applies (replies from our own server,
  /// files we wrote).
  public static let unlimited = ProtoDecodeLimits(maxFieldValues: .max)
}
