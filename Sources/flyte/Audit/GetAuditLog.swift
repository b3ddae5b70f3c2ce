import ArgumentParser
import ClusterPoolClient
import Foundation

/// `flyte get audit-log [--since 1h] [--subject S] [--method M] [--failed] [--limit N] [-of json]`.
struct GetAuditLog: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit-log", abstract: "List the organization's audit log (needs ACTION_ADMINISTER_ACCOUNT), oldest first.")

  @Option(help: "Only records of the last DURATION (e.g. 90s, 30m, 1h, 7d) or since a time (RFC 3339, e.g. 2026-12-06T10:00:00Z).")
  var since: String?
  @Option(help: "Only records of this user's or application's subject.") var subject: String?
  @Option(help: "Only records of this method (its name, e.g. CreateCluster, or its full path).") var method: String?
  @Option(help: "Only records of this target (its name).") var target: String?
  @Flag(help: "Only calls that failed (rejected or denied).") var failed = false
  @Option(help: "List at most this many records.") var limit = 1000
  @OptionGroup var output: OutputOptions
  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    if let since { _ = try Self.date(since, now: Date()) }
    guard limit > 0 else { throw ValidationError("--limit must be positive") }
  }

  func run() async throws {
    let filter = AuditLogRecord.Filter(
      since: try since.map { try Self.date($0, now: Date()) }, subject: subject, method: method, targetName: target,
      succeeded: failed ? false : nil)
    try await CommandRunner.run(connection) { client in
      let records = try await AuditLogRecord.list(filter, limit: limit, client: client)
      let format = ISO8601DateFormatter()
      format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
      Terminal.write(
        try IdentityOutput.render(
          records, output.output, headers: ["SEQ", "TIME", "IDENTITY", "METHOD", "TARGET", "OUTCOME", "COUNT", "PEER"],
          row: {
            [
              String($0.sequence), format.string(from: $0.time), $0.identityKind.isEmpty ? "-" : "\($0.identityKind):\($0.subject)",
              String($0.method.split(separator: "/").last ?? ""), $0.targetKind.isEmpty ? "-" : "\($0.targetKind) \($0.targetName)",
              $0.code == 0 ? "OK" : "\(Self.codeName($0.code)): \($0.message.prefix(60))", String($0.count), $0.peer,
            ]
          },
          document: {
            [
              "sequence": $0.sequence, "time": format.string(from: $0.time), "organization": $0.organization,
              "identity": ["kind": $0.identityKind, "subject": $0.subject], "method": $0.method,
              "target": ["kind": $0.targetKind, "name": $0.targetName], "outcome": ["code": $0.code, "message": $0.message],
              "request_id": $0.requestID, "peer": $0.peer, "count": $0.count, "previous_hash": $0.previousHash, "hash": $0.hash,
            ]
          }, empty: "No audit records."))
    }
  }

  /// `text` as a duration back from `now` (`90s`, `30m`, `1h`, `7d`) or an RFC 3339 time.
  static func date(_ text: String, now: Date) throws -> Date {
    if let unit = text.last, let count = Double(text.dropLast()), count >= 0,
      let seconds = ["s": 1.0, "m": 60, "h": 3600, "d": 86_400][unit]
    {
      return now.addingTimeInterval(-count * seconds)
    }
    let format = ISO8601DateFormatter()
    if let date = format.date(from: text) { return date }
    format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = format.date(from: text) { return date }
    throw ValidationError("--since \(text) is neither a duration (e.g. 30m, 1h, 7d) nor a time (e.g. 2026-12-06T10:00:00Z)")
  }

  static let codeNames = [
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
    "UNAUTHENTICATED",
  ]

  static func codeName(_ code: Int32) -> String { codeNames.indices.contains(Int(code)) ? codeNames[Int(code)] : "CODE_\(code)" }
}
