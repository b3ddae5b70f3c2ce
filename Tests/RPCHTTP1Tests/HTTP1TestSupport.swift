import Foundation
import Logging
import RPCCore
import RPCHTTP2
import RPCTestSupport
import Synchronization
import Testing

/// Log lines kept in memory, to check what the server logs (and what it never does).
final class LogRecorder: Sendable {
  private let lines = Mutex<[String]>([])
  func append(_ line: String) { lines.withLock { $0.append(line) } }
  var all: String { lines.withLock { $0.joined(separator: "\n") } }

  struct Handler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
      let merged = metadata.merging(event.metadata ?? [:]) { $1 }
      recorder.append("\(event.level) \(event.message) \(merged)")
    }
  }
}

extension RPCClient {
  func echo(_ request: String, _ method: MethodDescriptor = Echo.get) async throws -> String {
    try await unary(method, request: request, serializer: UTF8Coder(), deserializer: UTF8Coder())
  }
}

/// A throwaway certificate for `localhost` / 127.0.0.1 (self-signed, made with openssl).
struct TLSFiles {
  let directory: URL
  var cert: String { directory.appendingPathComponent("cert.pem").path }
  var key: String { directory.appendingPathComponent("key.pem").path }

  static func make() throws -> TLSFiles {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("rpc-http1-tls-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let files = TLSFiles(directory: directory)
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    openssl.arguments = [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", files.key, "-out", files.cert, "-days", "1", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ]
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    openssl.waitUntilExit()
    try #require(openssl.terminationStatus == 0)
    return files
  }

  func remove() { try? FileManager.default.removeItem(at: directory) }

  var server: ServerConfiguration.ServerTLS {
    .init(certificateChainPath: cert, privateKeyPath: key)
  }
}
