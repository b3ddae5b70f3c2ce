/// The store could not be opened: its file or database is unusable, held by another server,
/// or from a newer version. The description is the one line a server prints before it exits.
public struct StoreOpenError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
