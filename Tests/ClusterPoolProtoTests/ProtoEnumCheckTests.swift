import Testing

@testable import ClusterPoolProto

/// The generated `undefinedEnumValue()` finds enum numbers their enum does not define in every
/// enum field: nested, repeated and oneof ones, with the field's path.
@Suite struct ProtoEnumCheckTests {
  typealias List = Cloudidl.Common.ListRequest

  @Test func undefinedEnumValuesFoundWithTheirPath() throws {
    typealias Status = Cloudidl.Cluster.Status
    #expect(Status(health: .init(rawValue: 2)).undefinedEnumValue() == nil)
    let health = try #require(Cloudidl.Cluster.UpdateStatusRequest(status: Status(health: .init(rawValue: 7))).undefinedEnumValue())
    #expect(health.description == "status.health: unknown enum value 7 (cloudidl.cluster.Status.Health)")
    var list = List()
    list.sortByFields = [.init(key: "a", direction: .ascending), .init(key: "b", direction: .init(rawValue: -2))]
    #expect(list.undefinedEnumValue()?.description.hasPrefix("sort_by_fields[1].direction: unknown enum value -2") == true)
    let secret = Status(operatorClusterData: .init(secretStore: .init(type: .init(rawValue: 1000))))
    #expect(secret.undefinedEnumValue()?.path == "operator_cluster_data.secret_store.type")
    // Repeated enums and oneof members.
    #expect(Rpctest.V1.AllTypes(rEnum: [.init(rawValue: 1), .init(rawValue: 99)]).undefinedEnumValue()?.path == "r_enum[1]")
    #expect(Rpctest.V1.AllTypes(choice: .cNested(.init(mode: .init(rawValue: 5)))).undefinedEnumValue()?.path == "c_nested.mode")
    #expect(Rpctest.V1.AllTypes(choice: .cEnum(.init(rawValue: 1))).undefinedEnumValue() == nil)
  }
}
