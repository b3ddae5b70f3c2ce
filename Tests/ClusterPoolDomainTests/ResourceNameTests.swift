import Testing

@testable import ClusterPoolDomain

/// `ResourceName.isValid` reads a name's bytes in place: the rules hold for short (inline)
/// and long (heap) strings alike.
@Suite struct ResourceNameTests {
  @Test func namesOfLowerCaseLettersDigitsAndInnerHyphensAreValid() {
    for name in ["a", "7", "acme", "pool-0042", "a-b-c", "x1", String(repeating: "a", count: ResourceName.maxLength),
      "a" + String(repeating: "-", count: ResourceName.maxLength - 2) + "z"]
    {
      #expect(ResourceName.isValid(name), "\(name)")
    }
  }

  @Test func anythingElseIsNot() {
    for name in ["", "-a", "a-", "-", "Acme", "pool_1", "pool.1", "pool 1", "pöol", "pool-0042\n",
      String(repeating: "a", count: ResourceName.maxLength + 1), "a-much-longer-name-than-fifteen-bytes-"]
    {
      #expect(!ResourceName.isValid(name), "\(name)")
    }
  }

  @Test func aNameCutFromLongerTextIsReadTheSame() {
    let text = "organization/acme-pool-0042/rest"
    let name = String(text.split(separator: "/")[1])
    #expect(ResourceName.isValid(name))
    #expect(!ResourceName.isValid(String(text.split(separator: "/")[2].uppercased())))
  }
}
