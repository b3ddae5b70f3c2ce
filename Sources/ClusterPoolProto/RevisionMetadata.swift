/// The metadata of read-your-writes across server replicas, part of the wire contract next to
/// the messages: the server's `clusterpool-revision` on every response head and a client's
/// `clusterpool-min-revision` on a request. Defined once for the server and the client library.
public enum RevisionMetadata {
  /// The response header with the revision the server had applied.
  public static let revision = "clusterpool-revision"
  /// The request header with the revision a call needs applied before it runs.
  public static let minRevision = "clusterpool-min-revision"
}
