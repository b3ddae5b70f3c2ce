/// The caps of a `QueueSpec` as a request sent them, validated with the rules the official
/// descriptors carry (buf.validate on `QueueSpec` and `AcceleratorCapacity`) plus quantities
/// that are positive Kubernetes quantities and defined enumeration numbers. Each rejection is
/// `INVALID_ARGUMENT` naming the entry and, for a descriptor rule, carrying its message.
public enum QueueCapRules {
  /// One `max_resources` entry as sent.
  public struct ResourceEntry: Sendable, Hashable {
    public var name: Int32
    public var value: String
    public init(name: Int32, value: String) {
      self.name = name
      self.value = value
    }
  }

  /// One `max_accelerators` entry as sent; `accelerator` nil when it was not set.
  public struct AcceleratorEntry: Sendable, Hashable {
    /// The `GPUAccelerator` fields; `partitioning` nil when neither oneof member was set.
    public struct Accelerator: Sendable, Hashable {
      public var deviceClass: Int32
      public var device: String
      public var partitioning: AcceleratorCap.Partitioning?
      public var model: Int32
      public init(deviceClass: Int32, device: String, partitioning: AcceleratorCap.Partitioning?, model: Int32) {
        self.deviceClass = deviceClass
        self.device = device
        self.partitioning = partitioning
        self.model = model
      }
    }
    public var accelerator: Accelerator?
    public var count: Int64
    public init(accelerator: Accelerator?, count: Int64) {
      self.accelerator = accelerator
      self.count = count
    }
  }

  // The descriptors' rule messages (QueueSpec and AcceleratorCapacity CEL rules).
  static let noGPUMessage = "max_resources may not cap gpu; cap GPUs per accelerator type with max_accelerators"
  static let uniqueMessage = "each accelerator (device_class, device, partition_size) may appear at most once"
  static let classOnlyMessage = "an entry without a device is only supported for NVIDIA_GPU; name the device"
  static let partitionDeclaredMessage = "accelerator must declare its partitioning: set unpartitioned, or a partition_size"
  static let partitionNotEmptyMessage = "partition_size must be non-empty; use unpartitioned to declare a whole device"

  /// Validates `max_resources`: each a defined resource other than GPU, named once, with a
  /// positive Kubernetes quantity.
  public static func resources(_ entries: [ResourceEntry]) throws(DomainError) -> [ResourceCap] {
    var caps: [ResourceCap] = []
    for (index, entry) in entries.enumerated() {
      let field = "spec.max_resources[\(index)]"
      if entry.name == ResourceCap.gpu { throw .invalid("\(field): \(noGPUMessage)") }
      guard entry.name != 0 else {
        throw .invalid("\(field).name is required: name the resource (CPU, MEMORY, STORAGE or EPHEMERAL_STORAGE)")
      }
      guard let resource = ResourceCap.resourceNames[entry.name] else {
        throw .invalid("\(field).name \(entry.name) is not defined: use CPU (1), MEMORY (3), STORAGE (4) or EPHEMERAL_STORAGE (5)")
      }
      guard !caps.contains(where: { $0.resource == entry.name }) else {
        throw .invalid("spec.max_resources names \(resource) twice: cap each resource once")
      }
      guard let quantity = KubernetesQuantity(entry.value) else {
        throw .invalid(
          "\(field).value \(QuotedInput.quote(entry.value)) (\(resource)) is not a Kubernetes quantity: write a number with an "
            + "optional suffix (e.g. 4, 500m, 1.5, 16Gi, 2Ti, 1e3)")
      }
      guard quantity.isPositive else {
        throw .invalid(
          "\(field).value \(QuotedInput.quote(entry.value)) (\(resource)) must be positive: leave the resource out to leave it uncapped")
      }
      caps.append(ResourceCap(resource: entry.name, quantity: quantity))
    }
    return caps
  }

  /// Validates `max_accelerators`: each entry's accelerator set, its partitioning declared
  /// (and a partition size non-empty), a device named unless the class is NVIDIA_GPU, defined
  /// enumeration numbers, a positive count, and no accelerator twice.
  public static func accelerators(_ entries: [AcceleratorEntry]) throws(DomainError) -> [AcceleratorCap] {
    guard entries.count <= AcceleratorCap.maxCaps else {
      throw .invalid("spec.max_accelerators has \(entries.count) entries: at most \(AcceleratorCap.maxCaps) are allowed")
    }
    var caps: [AcceleratorCap] = []
    var seen: Set<AcceleratorCap.Selector> = []
    for (index, entry) in entries.enumerated() {
      let field = "spec.max_accelerators[\(index)]"
      guard let accelerator = entry.accelerator else {
        throw .invalid("\(field).accelerator is required: name the accelerator the count caps")
      }
      guard let partitioning = accelerator.partitioning else { throw .invalid("\(field): \(partitionDeclaredMessage)") }
      if case .size(let size) = partitioning {
        guard !size.isEmpty else { throw .invalid("\(field): \(partitionNotEmptyMessage)") }
        try TextRules.check(size, field: "\(field).accelerator.partition_size", maxBytes: AcceleratorCap.maxNameLength)
      }
      guard entry.count > 0 else {
        throw .invalid("\(field).count must be greater than 0 (got \(entry.count)): leave the accelerator out to leave it uncapped")
      }
      guard AcceleratorCap.deviceClasses[accelerator.deviceClass] != nil else {
        throw .invalid(
          "\(field).accelerator.device_class \(accelerator.deviceClass) is not defined: use NVIDIA_GPU (0), GOOGLE_TPU (1), "
            + "AMAZON_NEURON (2), AMD_GPU (3) or HABANA_GAUDI (4)")
      }
      guard AcceleratorCap.models.contains(accelerator.model) else {
        throw .invalid("\(field).accelerator.accelerator_model \(accelerator.model) is not defined")
      }
      try TextRules.check(accelerator.device, field: "\(field).accelerator.device", maxBytes: AcceleratorCap.maxNameLength)
      if accelerator.device.isEmpty && accelerator.deviceClass != AcceleratorCap.nvidiaGPU {
        throw .invalid("\(field): \(classOnlyMessage)")
      }
      let cap = AcceleratorCap(
        deviceClass: accelerator.deviceClass, device: accelerator.device, partitioning: partitioning,
        model: accelerator.model, count: entry.count)
      guard seen.insert(cap.selector).inserted else { throw .invalid("\(field) (\(cap.selector)): \(uniqueMessage)") }
      caps.append(cap)
    }
    return caps
  }
}
