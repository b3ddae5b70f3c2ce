extension ProtoJSONEncoder {
  /// `google.protobuf.Timestamp` as the mapping writes it: RFC 3339 in UTC with `Z`, and 0, 3,
  /// 6 or 9 fraction digits (as few as the nanoseconds need), e.g. `2026-12-06T17:04:04.120Z`.
  static func timestamp(_ bytes: UnsafeRawBufferPointer, table: ProtoTypeTable) throws -> ProtoJSONValue {
    var seconds: Int64 = 0
    var nanos: Int32 = 0
    var p = 0
    while p < bytes.count {
      let span: ProtoWire.FieldSpan
      do { span = try ProtoWire.nextField(bytes, &p) } catch { throw ProtoJSONError(table.name, error.reason) }
      guard span.wireType == 0 else { continue }
      var q = span.valueRange.lowerBound
      let raw: UInt64
      do { raw = try ProtoWire.readVarint(bytes, &q) } catch { throw ProtoJSONError(table.name, error.reason) }
      if span.number == 1 { seconds = Int64(bitPattern: raw) }
      if span.number == 2 { nanos = Int32(truncatingIfNeeded: raw) }
    }
    return .string(rfc3339(seconds: seconds, nanos: nanos))
  }

  /// `seconds` since 1970 plus `nanos`, in UTC, as the JSON mapping writes a Timestamp.
  public static func rfc3339(seconds: Int64, nanos: Int32) -> String {
    let totalNanos = Int64(nanos)
    let carry = totalNanos >= 0 ? totalNanos / 1_000_000_000 : (totalNanos - 999_999_999) / 1_000_000_000
    let fraction = totalNanos - carry * 1_000_000_000
    let time = seconds + carry
    let days = time >= 0 ? time / 86_400 : (time - 86_399) / 86_400
    let secondOfDay = time - days * 86_400
    let (year, month, day) = civil(days)
    var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
      + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
    if fraction != 0 {
      if fraction % 1_000_000 == 0 {
        text += "." + pad(fraction / 1_000_000, 3)
      } else if fraction % 1000 == 0 {
        text += "." + pad(fraction / 1000, 6)
      } else {
        text += "." + pad(fraction, 9)
      }
    }
    return text + "Z"
  }

  /// The proleptic Gregorian date of a day number since 1970-01-01 (Howard Hinnant's algorithm).
  private static func civil(_ days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  private static func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }

  /// Standard base64 with padding, as the mapping writes `bytes`.
  static func base64(_ bytes: UnsafeRawBufferPointer) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i < bytes.count {
      let n = min(3, bytes.count - i)
      let chunk = UInt32(bytes[i]) << 16 | (n > 1 ? UInt32(bytes[i + 1]) << 8 : 0) | (n > 2 ? UInt32(bytes[i + 2]) : 0)
      for k in 0..<4 {
        out.append(k <= n ? alphabet[Int(chunk >> UInt32(18 - 6 * k) & 63)] : UInt8(ascii: "="))
      }
      i += 3
    }
    return String(decoding: out, as: UTF8.self)
  }
}
