/// Client input as messages quote it: in double quotes, control characters escaped, and cut
/// after `maxCharacters` characters with an ellipsis and the input's full length, so that a
/// message never grows with what a client sent (a status message travels in a header field,
/// which peers bound). Every message that echoes client input goes through `quote(_:)`.
public enum QuotedInput {
  /// Characters of the input a message shows at most.
  public static let maxCharacters = 100

  /// `text` quoted, e.g. `"prod"`, or `"aaaa…" (65536 bytes)` when cut.
  public static func quote(_ text: String, maxCharacters: Int = maxCharacters) -> String {
    var out = "\""
    var shown = 0
    var cut = false
    for scalar in text.unicodeScalars {
      if shown == maxCharacters {
        cut = true
        break
      }
      if scalar.properties.generalCategory == .control {
        out += "\\u{\(String(scalar.value, radix: 16))}"
      } else {
        out.unicodeScalars.append(scalar)
      }
      shown += 1
    }
    return cut ? out + "…\" (\(text.utf8.count) bytes)" : out + "\""
  }
}
