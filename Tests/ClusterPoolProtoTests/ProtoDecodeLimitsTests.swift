import Testing

@testable import ClusterPoolProto

/// Requests are decoded under ``ProtoDecodeLimits``: values counted by the pre-scan, and the budget.
@Suite struct ProtoDecodeLimitsTests {
  typealias List = Cloudidl.Common.ListRequest

  func limitError(_ bytes: [UInt8], _ limits: ProtoDecodeLimits) -> ProtoDecodingError? {
    do {
      _ = try bytes.withUnsafeBytes { try List(serializedBytes: $0, limits: limits) }
      return nil
    } catch {
      return error as? ProtoDecodingError
    }
  }

  /// `count` empty `filters` (field 4), 2 bytes each.
  func filters(_ count: Int) -> [UInt8] { Array(repeating: [0x22, 0x00], count: count).flatMap { $0 } }

  @Test func fieldValuesCountedAtEveryLevel() throws {
    let limits = ProtoDecodeLimits(maxFieldValues: 100)
    #expect(limitError(filters(100), limits) == nil)
    let error = try #require(limitError(filters(101), limits))
    #expect(error.limitExceeded)
    #expect(error.reason.contains("more than 100 field values"), "\(error)")
    #expect(error.reason.contains("cloudidl.common.ListRequest.filters"), "\(error)")
    // 50 filters of one value each: 100 values.
    let filter: [UInt8] = [0x22, 0x03, 0x1a, 0x01, 0x78]  // filters { values: "x" }
    #expect(limitError(Array(repeating: filter, count: 50).flatMap { $0 }, limits) == nil)
    #expect(limitError(Array(repeating: filter, count: 51).flatMap { $0 }, limits)?.limitExceeded == true)
    // Unknown fields count too.
    #expect(limitError(Array(repeating: [0xc0, 0x3e, 0x01] as [UInt8], count: 101).flatMap { $0 }, limits)?.limitExceeded == true)
    // Without limits the same bytes decode.
    #expect(try List(serializedBytes: filters(5000)).filters.count == 5000)
  }

  @Test func packedElementsCountOneEach() throws {
    // AllTypes.r_int32 (33) packed: 200 one-byte varints.
    let packed: [UInt8] = [0x8a, 0x02, 0xc8, 0x01] + Array(repeating: 0x01, count: 200)
    let limits = ProtoDecodeLimits(maxFieldValues: 150)
    #expect(throws: ProtoDecodingError.self) {
      _ = try packed.withUnsafeBytes { try Rpctest.V1.AllTypes(serializedBytes: $0, limits: limits) }
    }
    let m = try packed.withUnsafeBytes { try Rpctest.V1.AllTypes(serializedBytes: $0, limits: .init(maxFieldValues: 201)) }
    #expect(m.rInt32.count == 200)
  }

  @Test func budgetRefusesADecodeThatDoesNotFitBesideOthers() throws {
    let budget = ProtoDecodeBudget(capacity: 1000, smallestAccounted: 0)
    #expect(budget.reserve(600))
    // Spent: a 2,000-byte message does not fit beside the 600 in use.
    let bytes = filters(1000)
    let error = try #require(limitError(bytes, ProtoDecodeLimits(maxFieldValues: 10_000, budget: budget)))
    #expect(error.limitExceeded && error.reason.contains("retry"), "\(error)")
    budget.release(600)
    // Alone, any size is admitted, and the reservation is returned afterwards.
    #expect(limitError(bytes, ProtoDecodeLimits(maxFieldValues: 10_000, budget: budget)) == nil)
    #expect(budget.bytesInUse == 0)
    // Small decodes (estimated 206 bytes here) are not counted: they pass a spent budget.
    let spent = ProtoDecodeBudget(capacity: 1000, smallestAccounted: 1000)
    #expect(spent.reserve(1000))
    #expect(limitError(filters(1), ProtoDecodeLimits(maxFieldValues: 10, budget: spent)) == nil)
    #expect(limitError(filters(100), ProtoDecodeLimits(maxFieldValues: 1000, budget: spent))?.limitExceeded == true)
  }
}
