import ArgumentParser
import ClusterPoolServer

/// The audit log's flags.
struct AuditOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "How long audit records are kept (e.g. 90d, 12h, 30m; 0 keeps them forever). Older ones are removed hourly; each chain keeps the last removed record's hash, so what is left still verifies.",
      valueName: "duration"))
  var auditRetention = "90d"

  @Option(help: "Seconds of a flood window: refused calls of one peer, method and status past --audit-flood-records in it share one record counting them.")
  var auditFloodWindow = 10

  @Option(help: "Refused calls of one peer, method and status recorded one by one per flood window.")
  var auditFloodRecords = 5

  /// The recorder's flood limits.
  var floodSettings: AuditRecorder.Settings {
    var settings = AuditRecorder.Settings()
    settings.window = .seconds(auditFloodWindow)
    settings.individualPerWindow = auditFloodRecords
    return settings
  }

  /// The retention in seconds; nil to keep records forever.
  func retention() throws -> Int64? {
    guard let seconds = Self.seconds(auditRetention) else {
      throw ValidationError("--audit-retention \(auditRetention) is not a duration: a number with d, h, m or s (e.g. 90d), or 0")
    }
    return seconds == 0 ? nil : seconds
  }

  func validate() throws {
    _ = try retention()
    guard auditFloodWindow > 0, auditFloodRecords >= 0 else {
      throw ValidationError("--audit-flood-window must be positive and --audit-flood-records not negative")
    }
  }

  static func seconds(_ text: String) -> Int64? {
    if text == "0" { return 0 }
    guard let unit = text.last, let count = Int64(text.dropLast()), count > 0 else { return nil }
    let (result, overflow) = count.multipliedReportingOverflow(
      by: ["d": 86_400, "h": 3_600, "m": 60, "s": 1][unit] ?? 0)
    return overflow || result == 0 ? nil : result
  }
}
