/// A rejection by a domain rule: what kind of failure it is, and a message a person can act
/// on (what is wrong and what to do instead). Domain and storage code throw only this; the
/// RPC layer maps ``Code`` to a wire status in exactly one place.
public struct DomainError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The kind of failure. Extensible: new kinds can be added without breaking callers.
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    let name: String
    private init(_ name: String) { self.name = name }

    /// The request itself is wrong (bad name, bad config, bad filter); retrying cannot help.
    public static let invalidArgument = Code("invalid argument")
    /// The named resource does not exist (or is deleted, where the rule says so).
    public static let notFound = Code("not found")
    /// A resource of that name already exists (live or soft-deleted).
    public static let alreadyExists = Code("already exists")
    /// The system is not in a state that allows the change (e.g. a pool still referenced).
    public static let failedPrecondition = Code("failed precondition")
    /// The caller may not make this change (e.g. grant actions it does not hold).
    public static let permissionDenied = Code("permission denied")
    /// A concurrent change won (e.g. a generation guard did not match).
    public static let aborted = Code("aborted")
    /// A size or quota limit was hit, or the file system of the store is full.
    public static let resourceExhausted = Code("resource exhausted")
    /// The storage is not available (closed, or failed to commit).
    public static let unavailable = Code("unavailable")
    /// A broken invariant: a bug or a corrupt store.
    public static let internalError = Code("internal error")

    public var description: String { name }
  }

  /// What kind of failure this is.
  public var code: Code
  /// What is wrong and what to do instead.
  public var message: String

  /// Creates an error.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { "\(code): \(message)" }

  static func invalid(_ message: String) -> DomainError { DomainError(.invalidArgument, message) }
}
