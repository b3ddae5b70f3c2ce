/// Where a queue's identifier places it below its organization: the project and domain of the
/// official `QueueIdentifier`. This server keeps organization-scoped queues only and answers a
/// non-empty project or domain with `INVALID_ARGUMENT`, as the official server does today; the
/// scope is sent as given so that its answer is the server's.
public struct QueueScope: Sendable, Hashable {
  /// The project; empty for none.
  public var project: String
  /// The domain; empty for none.
  public var domain: String

  /// A scope of `project` and `domain` (`nil` or empty: none).
  public init(project: String? = nil, domain: String? = nil) {
    self.project = project ?? ""
    self.domain = domain ?? ""
  }

  /// The organization itself: no project, no domain.
  public static let organization = QueueScope()
}
