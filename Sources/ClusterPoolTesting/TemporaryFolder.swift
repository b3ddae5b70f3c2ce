internal import Foundation

/// A new folder under the system's temporary directory, removed with everything in it by
/// ``remove()``.
struct TemporaryFolder: Sendable {
  let path: String

  init() throws {
    var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("clusterpool-local.XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw LocalServerError("cannot make a temporary folder: \(String(cString: strerror(errno)))")
    }
    path = String(cString: made)
  }

  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// Why a ``LocalServer`` did not start.
public struct LocalServerError: Error, CustomStringConvertible {
  public let description: String

  init(_ description: String) { self.description = description }
}
