import Testing

@testable import ClusterPoolDomain

/// Kubernetes quantities and the queue cap rules, as pure functions.
@Suite struct QueueCapsTests {
  @Test(arguments: [
    "4", "0.5", ".5", "5.", "500m", "100n", "3u", "16Gi", "2Ti", "1Ki", "1Mi", "1Pi", "1Ei", "1k", "1M", "1G", "1T", "1P",
    "1E", "1e3", "1E3", "1e+3", "1e-3", "+4", "007",
  ])
  func positiveQuantities(text: String) throws {
    let quantity = try #require(KubernetesQuantity(text), "\(text) should parse")
    #expect(quantity.isPositive)
    #expect(quantity.text == text)
  }

  @Test(arguments: ["0", "0.0", "-0", "-4", "-1Gi", "0Gi", ".0"])
  func quantitiesThatAreNotPositive(text: String) throws {
    let quantity = try #require(KubernetesQuantity(text), "\(text) should parse")
    #expect(!quantity.isPositive)
  }

  @Test(arguments: [
    "", "Gi", "4 Gi", "4gi", "4GB", "4KiB", "1e", "1e+", "1e1.5", "1.2.3", ".", "+", "--1", "4K", "1Ki2", " 4", "4\n",
    "1ee3", "0x10", "1_000", String(repeating: "9", count: 65),
  ])
  func notQuantities(text: String) {
    #expect(KubernetesQuantity(text) == nil, "\(text) should not parse")
  }

  typealias R = QueueCapRules.ResourceEntry
  typealias A = QueueCapRules.AcceleratorEntry

  func message(_ body: () throws -> Void) -> String? {
    do {
      try body()
      return nil
    } catch {
      let error = error as? DomainError
      #expect(error?.code == .invalidArgument)
      return error?.message
    }
  }

  func accelerator(
    _ device: String, _ partitioning: AcceleratorCap.Partitioning? = .unpartitioned(true), deviceClass: Int32 = 0,
    model: Int32 = 0, count: Int64 = 8
  ) -> A {
    A(accelerator: .init(deviceClass: deviceClass, device: device, partitioning: partitioning, model: model), count: count)
  }

  @Test func resourceCapsKeepWhatWasSent() throws {
    let caps = try QueueCapRules.resources([R(name: 1, value: "4"), R(name: 3, value: "16Gi"), R(name: 5, value: "100G")])
    #expect(caps.map(\.resource) == [1, 3, 5])
    #expect(caps.map(\.quantity.text) == ["4", "16Gi", "100G"])
    #expect(try QueueCapRules.resources([]).isEmpty)
  }

  @Test func resourceCapRejections() {
    let gpu = message { _ = try QueueCapRules.resources([R(name: 1, value: "1"), R(name: 2, value: "1")]) }
    #expect(gpu == "spec.max_resources[1]: max_resources may not cap gpu; cap GPUs per accelerator type with max_accelerators")
    #expect(message { _ = try QueueCapRules.resources([R(name: 0, value: "1")]) }?.contains("name is required") == true)
    #expect(message { _ = try QueueCapRules.resources([R(name: 9, value: "1")]) }?.contains("9 is not defined") == true)
    let twice = message { _ = try QueueCapRules.resources([R(name: 1, value: "1"), R(name: 1, value: "2")]) }
    #expect(twice == "spec.max_resources names CPU twice: cap each resource once")
    let bad = message { _ = try QueueCapRules.resources([R(name: 3, value: "16GB")]) }
    #expect(bad?.hasPrefix("spec.max_resources[0].value \"16GB\" (MEMORY) is not a Kubernetes quantity") == true)
    let zero = message { _ = try QueueCapRules.resources([R(name: 1, value: "0")]) }
    #expect(zero?.hasPrefix("spec.max_resources[0].value \"0\" (CPU) must be positive") == true)
    #expect(message { _ = try QueueCapRules.resources([R(name: 1, value: "-2")]) }?.contains("must be positive") == true)
  }

  @Test func acceleratorCapsKeepWhatWasSent() throws {
    let caps = try QueueCapRules.accelerators([
      accelerator("nvidia-h100", model: 13), accelerator("", count: 2), accelerator("nvidia-a100", .size("1g.5gb")),
      accelerator("nvidia-a100", .unpartitioned(false), count: 3), accelerator("google-tpu-v6e", deviceClass: 1, model: 102),
    ])
    #expect(caps.map(\.device) == ["nvidia-h100", "", "nvidia-a100", "nvidia-a100", "google-tpu-v6e"])
    #expect(caps[0].model == 13 && caps[0].count == 8 && caps[0].partitioning == .unpartitioned(true))
    #expect(caps[2].partitioning == .size("1g.5gb") && caps[3].partitioning == .unpartitioned(false))
    #expect(caps[4].selector.description == "GOOGLE_TPU/google-tpu-v6e")
  }

  @Test func acceleratorCapRejections() {
    func reject(_ entries: [A]) -> String? { message { _ = try QueueCapRules.accelerators(entries) } }
    #expect(
      reject([accelerator("nvidia-h100"), accelerator("nvidia-h100", count: 2)])
        == "spec.max_accelerators[1] (NVIDIA_GPU/nvidia-h100): each accelerator (device_class, device, partition_size) "
        + "may appear at most once")
    // unpartitioned and no partition size are the same accelerator to the rule
    #expect(reject([accelerator("x"), accelerator("x", .unpartitioned(false))])?.contains("at most once") == true)
    #expect(
      reject([accelerator("", deviceClass: 1)])
        == "spec.max_accelerators[0]: an entry without a device is only supported for NVIDIA_GPU; name the device")
    #expect(
      reject([accelerator("nvidia-h100", nil)])
        == "spec.max_accelerators[0]: accelerator must declare its partitioning: set unpartitioned, or a partition_size")
    #expect(
      reject([accelerator("nvidia-a100", .size(""))])
        == "spec.max_accelerators[0]: partition_size must be non-empty; use unpartitioned to declare a whole device")
    #expect(reject([A(accelerator: nil, count: 1)])?.contains("accelerator is required") == true)
    #expect(reject([accelerator("nvidia-h100", count: 0)])?.hasPrefix("spec.max_accelerators[0].count must be greater than 0") == true)
    #expect(reject([accelerator("nvidia-h100", count: -3)])?.contains("(got -3)") == true)
    #expect(reject([accelerator("x", deviceClass: 9)])?.contains("device_class 9 is not defined") == true)
    #expect(reject([accelerator("x", model: 99)])?.contains("accelerator_model 99 is not defined") == true)
    #expect(reject([accelerator("a\nb")])?.contains("control character") == true)
    #expect(reject((0..<65).map { accelerator("d\($0)") })?.contains("at most 64") == true)
  }

  @Test func specValidationCarriesCaps() throws {
    let spec = try QueueSpec(
      validating: 1, actionConcurrency: 1, depth: 0, priority: 0, fairness: 0, scheduling: 2, poolName: .defaultName,
      clusters: [], maxResources: [R(name: 1, value: "4")], maxAccelerators: [accelerator("nvidia-h100")])
    #expect(spec.maxResources.count == 1 && spec.maxAccelerators.count == 1)
  }
}
