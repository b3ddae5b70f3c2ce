@testable import RPCCore
import Testing

@Suite struct JSONValueTests {
  @Test func roundTripsEveryKindOfValue() throws {
    let value = JSONValue.object([
      ("s", .string("a\"b\\c/\u{7}\t\u{10FFFF}")), ("n", .number(-12)), ("f", .number(1.5)),
      ("t", .bool(true)), ("z", .null), ("a", .array([.string(""), .object([])])),
    ])
    #expect(try JSONValue(parsing: Array(value.encoded.utf8)) == value)
  }

  @Test func readsEscapesAndSurrogatePairs() throws {
    let text = #" { "k" : "\u00e9\ud83d\ude00\/\n" , "v":[1, 2e3] } "#
    let value = try JSONValue(parsing: Array(text.utf8))
    #expect(value["k"]?.stringValue == "é😀/\n")
    #expect(value["v"] == .array([.number(1), .number(2000)]))
  }

  @Test(arguments: ["", "{", "{\"a\":}", "[1,]", "\"unterminated", "{} x", "\"\u{1}\"", "tru"])
  func rejectsMalformedText(_ text: String) {
    #expect(throws: JSONParseError.self) { try JSONValue(parsing: Array(text.utf8)) }
  }

  @Test func rejectsDeepNesting() {
    let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
    #expect(throws: JSONParseError.self) { try JSONValue(parsing: Array(deep.utf8)) }
  }
}
