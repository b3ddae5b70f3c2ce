import ClusterPoolClient
import Foundation

/// Reads a manifest given as `--file PATH` (or `-` for standard input).
enum ManifestFile {
  static func read(_ path: String) throws -> String {
    if path == "-" {
      return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CLIError("cannot read manifest file \(path): no such file or not readable")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw CLIError("manifest file \(path) is not UTF-8 text")
    }
    return text
  }
}
