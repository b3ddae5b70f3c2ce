import Testing

@testable import RPCCore

/// Which encodings an `Accept-Encoding`-style list accepts: plain lists (what clients send)
/// are read without allocating, anything else by the general parser, with the same answers.
@Suite struct WireCallAcceptsTests {
  /// list, accepts gzip, accepts identity, read as a plain list
  static let cases: [(String, Bool, Bool, Bool)] = [
    ("gzip,identity", true, true, true),
    ("identity,deflate,gzip", true, true, true),
    ("identity", false, true, true),
    ("gzip", true, false, true),
    ("", false, false, true),
    ("gzip,,identity", true, true, true),
    ("gzipx,xgzip,gzi", false, false, true),
    ("br, gzip;q=0.5", true, false, false),
    ("gzip;q=0,identity", false, true, false),
    ("GZIP", true, false, false),
    (" gzip ", true, false, false),
    ("deflate, identity;q=0", false, false, false),
  ]

  @Test(arguments: cases)
  func aListAcceptsWhatItNames(_ list: String, _ gzip: Bool, _ identity: Bool, _ plain: Bool) {
    #expect(WireCall.accepts(.gzip, list: list) == gzip)
    #expect(WireCall.accepts(.identity, list: list) == identity)
    #expect((WireCall.plainListNames(.gzip, list: list) != nil) == plain)
    if plain { #expect(WireCall.plainListNames(.gzip, list: list) == gzip && WireCall.plainListNames(.identity, list: list) == identity) }
  }

  @Test func noListAcceptsIdentityOnly() {
    #expect(WireCall.accepts(.identity, list: nil) && !WireCall.accepts(.gzip, list: nil))
  }
}
