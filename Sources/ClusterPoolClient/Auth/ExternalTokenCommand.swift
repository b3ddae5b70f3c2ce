internal import Foundation

/// `admin.authType: ExternalCommand`: runs `admin.command` (argv; a bare name is looked up in
/// `PATH`) and takes its trimmed standard output as the bearer token. A command that fails or
/// prints nothing is an `UNAUTHENTICATED` error naming it and its exit status, never its output.
struct ExternalTokenCommand: Sendable {
  var argv: [String]
  var source: String

  func run() async throws(ClientError) -> Secret {
    let argv = self.argv
    let outcome: Result<(Int32, Data, Data), any Error> = await withCheckedContinuation { continuation in
      DispatchQueue.global().async {
        continuation.resume(returning: Result { try Self.execute(argv) })
      }
    }
    let name = argv.first ?? ""
    switch outcome {
    case .failure(let error):
      throw ClientError(code: .unauthenticated, message: "cannot run the token command \(name) (\(source)): \(error.localizedDescription)")
    case .success(let (status, output, errors)):
      guard status == 0 else {
        let said = String(decoding: errors, as: UTF8.self).split(whereSeparator: \.isNewline).first.map { ": \($0.prefix(200))" } ?? ""
        throw ClientError(code: .unauthenticated, message: "the token command \(name) (\(source)) exited with status \(status)\(said)")
      }
      let token = String(decoding: output, as: UTF8.self).trimmingWhitespace()
      guard !token.isEmpty else {
        throw ClientError(code: .unauthenticated, message: "the token command \(name) (\(source)) printed no token")
      }
      return Secret(token)
    }
  }

  /// Runs `argv` to its end: exit status, standard output, standard error.
  private static func execute(_ argv: [String]) throws -> (Int32, Data, Data) {
    let process = Process()
    if argv[0].contains("/") {
      process.executableURL = URL(fileURLWithPath: argv[0])
      process.arguments = Array(argv.dropFirst())
    } else {
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = argv
    }
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let errorData = Locked<Data>()
    let reader = Thread { errorData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
    reader.start()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, outputData, errorData.wait())
  }
}

/// A value set once by another thread and waited for.
private final class Locked<Value: Sendable>: @unchecked Sendable {
  private let condition = NSCondition()
  private var value: Value?

  func set(_ value: Value) {
    condition.lock()
    self.value = value
    condition.signal()
    condition.unlock()
  }

  func wait() -> Value {
    condition.lock()
    defer { condition.unlock() }
    while value == nil { condition.wait() }
    return value!
  }
}
