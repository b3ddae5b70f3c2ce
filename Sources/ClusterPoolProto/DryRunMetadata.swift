/// The metadata of dry runs, part of the wire contract next to the messages: a request
/// carrying `clusterpool-dry-run: true` runs whole (authentication, authorization,
/// validation, every rule and the write transaction's checks on the real store) and is then
/// rolled back, nothing written; every answer to such a request carries the same header, so
/// that a client can tell the server honoured it. Defined once for the server and the client
/// library.
public enum DryRunMetadata {
  /// The request header asking for a dry run, and the response header confirming it.
  public static let header = "clusterpool-dry-run"
  /// Its one accepted value (any other is `INVALID_ARGUMENT`).
  public static let enabled = "true"
}
