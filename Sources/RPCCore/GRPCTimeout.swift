/// The `grpc-timeout` header: at most eight ASCII digits and a unit
/// (`H` hours, `M` minutes, `S` seconds, `m` millis, `u` micros, `n` nanos).
public enum GRPCTimeout {
  /// Parses a header value; `nil` when malformed.
  public static func parse(_ value: some StringProtocol) -> Duration? {
    let utf8 = Array(value.utf8)
    guard utf8.count >= 2, utf8.count <= 9 else { return nil }
    var amount: Int64 = 0
    for byte in utf8.dropLast() {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      amount = amount * 10 + Int64(byte - UInt8(ascii: "0"))
    }
    // Eight digits of hours (99999999H, about 11,400 years) fit a `Duration` exactly; the
    // transport caps deadlines further (`WireCall.maxTimeout`).
    switch utf8.last! {
    case UInt8(ascii: "H"): return .seconds(amount * 3600)
    case UInt8(ascii: "M"): return .seconds(amount * 60)
    case UInt8(ascii: "S"): return .seconds(amount)
    case UInt8(ascii: "m"): return .milliseconds(amount)
    case UInt8(ascii: "u"): return .microseconds(amount)
    case UInt8(ascii: "n"): return .nanoseconds(amount)
    default: return nil
    }
  }

  /// Formats a duration in the finest unit whose amount fits eight digits, rounding up so
  /// the peer's deadline is never earlier than ours. Negative durations format as `0n`.
  public static func format(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    guard seconds >= 0, attoseconds >= 0 || seconds > 0 else { return "0n" }
    let nanos = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    let units: [(Double, Character)] = [
      (1, "n"), (1e3, "u"), (1e6, "m"), (1e9, "S"), (60e9, "M"), (3600e9, "H"),
    ]
    for (scale, unit) in units {
      let amount = (nanos / scale).rounded(.up)
      if amount < 100_000_000 { return "\(Int64(amount))\(unit)" }
    }
    return "99999999H"
  }
}

extension Duration {
  /// The duration in whole nanoseconds, saturating at `Int64.min` / `Int64.max` (about 292
  /// years) instead of trapping: safe for any client-supplied timeout.
  package var saturatingNanoseconds: Int64 {
    let (seconds, attoseconds) = components
    let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    if overflow { return seconds < 0 ? .min : .max }
    let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
    if overflow2 { return seconds < 0 ? .min : .max }
    return sum
  }
}
