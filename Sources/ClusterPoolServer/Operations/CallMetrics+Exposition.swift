internal import CoreMetrics
internal import RPCCore

/// What a scrape reads of ``CallMetrics``: the threads' counters added up, the call counts
/// moved into swift-metrics, the latency histogram written as Prometheus text.
extension CallMetrics {
  /// Moves the calls counted since the last scrape into the `clusterpool_calls_total`
  /// counters of the metrics factory, making a series' counter on its first count. Call it
  /// before the factory's registry is rendered.
  public func collect() {
    let totals = counters.sum(0..<counters.width)
    collected.withLock { collected in
      for (index, method) in methods.enumerated() {
        for slot in 0..<Self.callSlots {
          let total = totals[method.offset + slot]
          let delta = total &- collected.counted[index][slot]
          guard delta > 0 else { continue }
          let counter: Counter
          if let made = collected.counters[index][slot] {
            counter = made
          } else {
            counter = Counter(
              label: Self.callsLabel,
              dimensions: [
                ("service", method.service), ("method", method.method),
                ("protocol", Self.protocols[slot / Self.codeCount]),
                ("code", RPCStatusCode(rawValue: slot % Self.codeCount).name),
              ], factory: factory)
            collected.counters[index][slot] = counter
          }
          counter.increment(by: Int64(clamping: delta))
          collected.counted[index][slot] = total
        }
      }
    }
  }

  /// Appends the `clusterpool_call_duration_seconds` histogram in the Prometheus text format,
  /// as swift-prometheus writes a histogram family: its `# TYPE` line, then for each method
  /// called the cumulative `_bucket` series (`le` in seconds, then `+Inf`), `_sum` and
  /// `_count`. Nothing when no call was counted.
  public func appendLatency(to text: inout [UInt8]) {
    let totals = counters.sum(0..<counters.width)
    var typed = false
    let name = Self.durationLabel
    for method in methods {
      let buckets = totals[(method.offset + Self.callSlots)..<(method.offset + stride - 1)]
      let count = buckets.reduce(0, &+)
      guard count > 0 else { continue }
      if !typed {
        text.append(contentsOf: "# TYPE \(name) histogram\n".utf8)
        typed = true
      }
      var labels: [UInt8] = []
      Self.appendLabel("service", method.service, to: &labels)
      labels.append(UInt8(ascii: ","))
      Self.appendLabel("method", method.method, to: &labels)
      // one sample line: NAME_SUFFIX{LABELS EXTRA} VALUE
      func sample(_ suffix: String, _ extra: String, _ value: String) {
        text.append(contentsOf: "\(name)_\(suffix){".utf8)
        text.append(contentsOf: labels)
        text.append(contentsOf: "\(extra)} \(value)\n".utf8)
      }
      var cumulative: UInt64 = 0
      for (bucket, bound) in Self.latencyBuckets.enumerated() {
        cumulative &+= buckets[buckets.startIndex + bucket]
        let (seconds, attoseconds) = bound.components
        sample("bucket", ",le=\"\(Self.secondsText(seconds, attoseconds))\"", "\(cumulative)")
      }
      sample("bucket", ",le=\"+Inf\"", "\(count)")
      let sum = Int64(clamping: totals[method.offset + stride - 1])
      sample("sum", "", Self.secondsText(sum / 1_000_000_000, sum % 1_000_000_000 * 1_000_000_000))
      sample("count", "", "\(count)")
    }
  }

  /// `name="value"`, the value escaped as the text format wants (backslash, quote, line feed).
  private static func appendLabel(_ name: String, _ value: String, to text: inout [UInt8]) {
    text.append(contentsOf: name.utf8)
    text.append(contentsOf: "=\"".utf8)
    for byte in value.utf8 {
      switch byte {
      case UInt8(ascii: "\\"): text.append(contentsOf: "\\\\".utf8)
      case UInt8(ascii: "\""): text.append(contentsOf: "\\\"".utf8)
      case UInt8(ascii: "\n"): text.append(contentsOf: "\\n".utf8)
      default: text.append(byte)
      }
    }
    text.append(UInt8(ascii: "\""))
  }

  /// Seconds as swift-prometheus writes a duration: `<seconds>.<fraction>`, the fraction's 18
  /// digits without trailing zeros (`0` when none is left): `0.0001`, `2.5`, `1.0`.
  static func secondsText(_ seconds: Int64, _ attoseconds: Int64) -> String {
    var digits = Array(String(attoseconds).utf8)
    digits.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, 18 - digits.count)), at: 0)
    while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
    return "\(seconds)." + String(decoding: digits, as: UTF8.self)
  }
}
