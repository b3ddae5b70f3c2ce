/// Why a configuration file or the environment could not be used: the message names the file
/// and line or the variable, and the key (with the closest known one when it is unknown).
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
  public var description: String

  public init(_ description: String) { self.description = description }
}
