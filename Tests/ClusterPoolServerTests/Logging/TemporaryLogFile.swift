import Foundation
import Testing

/// A new temporary file open for writing, where a `LogWriter` under test writes; `remove()`
/// closes and deletes it.
struct TemporaryLogFile {
  let path: String
  let descriptor: Int32

  /// A file named `<prefix>-<uuid>.log` in the temporary folder, empty.
  init(prefix: String) {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString).log").path
    descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    #expect(descriptor >= 0)
  }

  /// What reached the file so far.
  func contents() -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

  func remove() {
    close(descriptor)
    unlink(path)
  }
}
