public import ClusterPoolDomain
internal import Foundation

/// One stored identity or access object (an app, role, policy, user or assignment) as a
/// backend keeps it: its key and its value as JSON text (sorted keys), encoded and decoded
/// by the core only. Backends store the three key columns and the body, and nothing else,
/// so that a new field of an object needs no migration.
public struct AccessRow: Sendable, Hashable {
  public var key: AccessKey
  /// The object as JSON.
  public var body: String

  public init(key: AccessKey, body: String) {
    self.key = key
    self.body = body
  }

  /// The row of `value`.
  init(_ value: some AccessRowValue) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    self.init(key: value.key, body: String(decoding: try encoder.encode(value), as: UTF8.self))
  }

  /// The value of this row, as `type`.
  func decode<Value: AccessRowValue>(_ type: Value.Type) throws -> Value {
    do {
      return try JSONDecoder().decode(type, from: Data(body.utf8))
    } catch {
      throw DomainError(.internalError, "the stored \(key) cannot be read (\(error)): the store is corrupt")
    }
  }
}

/// A domain value stored as an ``AccessRow``.
protocol AccessRowValue: Codable, Sendable {
  var key: AccessKey { get }
}

extension App: AccessRowValue {}
extension Role: AccessRowValue {}
extension Policy: AccessRowValue {}
extension User: AccessRowValue {}
extension Assignment: AccessRowValue {}
