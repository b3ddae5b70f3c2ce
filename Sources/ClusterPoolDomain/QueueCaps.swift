/// A cap on the summed amount of one resource a queue's running actions may hold
/// (`QueueSpec.max_resources`): a `flyteidl2.core.Resources.ResourceName` number (never GPU:
/// GPUs are capped per accelerator) and a positive Kubernetes quantity.
public struct ResourceCap: Sendable, Hashable {
  /// The wire's `ResourceName` number: 1 CPU, 3 MEMORY, 4 STORAGE, 5 EPHEMERAL_STORAGE.
  public var resource: Int32
  /// The amount, as sent.
  public var quantity: KubernetesQuantity

  /// A cap of `quantity` on `resource` (unchecked: ``QueueCapRules`` validates what requests send).
  public init(resource: Int32, quantity: KubernetesQuantity) {
    self.resource = resource
    self.quantity = quantity
  }

  /// Every defined `ResourceName` but UNKNOWN (0), by number.
  public static let resourceNames: [Int32: String] = [
    1: "CPU", 2: "GPU", 3: "MEMORY", 4: "STORAGE", 5: "EPHEMERAL_STORAGE",
  ]
  /// GPU: never capped here.
  public static let gpu: Int32 = 2
}

/// A cap on the devices of one accelerator a queue's running actions may hold
/// (`QueueSpec.max_accelerators`, a `cloudidl.cluster.AcceleratorCapacity`).
public struct AcceleratorCap: Sendable, Hashable {
  /// Whole devices, or one partition size (a MIG or TPU slice).
  public enum Partitioning: Sendable, Hashable {
    /// `unpartitioned`, with the value as sent (the field being set is what declares it).
    case unpartitioned(Bool)
    /// `partition_size`, never empty.
    case size(String)

    /// The partition size as the rules compare it: "" for whole devices.
    public var sizeKey: String {
      if case .size(let size) = self { return size }
      return ""
    }
  }

  /// The wire's `GPUAccelerator.DeviceClass` number: 0 NVIDIA_GPU, 1 GOOGLE_TPU,
  /// 2 AMAZON_NEURON, 3 AMD_GPU, 4 HABANA_GAUDI.
  public var deviceClass: Int32
  /// The device (e.g. `nvidia-h100`); empty caps the class's devices requested without one
  /// (NVIDIA only).
  public var device: String
  /// Whole devices or one partition size.
  public var partitioning: Partitioning
  /// The wire's `AcceleratorModel` number (0 when unspecified), kept as sent.
  public var model: Int32
  /// How many devices; positive.
  public var count: Int64

  /// A cap of `count` devices (unchecked: ``QueueCapRules`` validates what requests send).
  public init(deviceClass: Int32, device: String, partitioning: Partitioning, model: Int32 = 0, count: Int64) {
    self.deviceClass = deviceClass
    self.device = device
    self.partitioning = partitioning
    self.model = model
    self.count = count
  }

  /// What the uniqueness rule compares: (device_class, device, partition_size).
  public var selector: Selector { Selector(deviceClass: deviceClass, device: device, partitionSize: partitioning.sizeKey) }

  /// One accelerator as the uniqueness rule sees it.
  public struct Selector: Sendable, Hashable, CustomStringConvertible {
    public var deviceClass: Int32
    public var device: String
    public var partitionSize: String

    public var description: String {
      let name = AcceleratorCap.deviceClasses[deviceClass] ?? "\(deviceClass)"
      return ([name] + (device.isEmpty ? [] : [device]) + (partitionSize.isEmpty ? [] : [partitionSize]))
        .joined(separator: "/")
    }
  }

  /// Every defined `DeviceClass`, by number.
  public static let deviceClasses: [Int32: String] = [
    0: "NVIDIA_GPU", 1: "GOOGLE_TPU", 2: "AMAZON_NEURON", 3: "AMD_GPU", 4: "HABANA_GAUDI",
  ]
  /// NVIDIA_GPU: the only class that may be capped without naming a device.
  public static let nvidiaGPU: Int32 = 0
  /// Every defined `AcceleratorModel` number (0 is unspecified): blocks of 100 per class.
  public static let models: Set<Int32> = Set(0...20).union(100...102).union(200...205).union(300...308).union([400])
  /// Longest accepted device name or partition size.
  public static let maxNameLength = 128
  /// Most accelerator caps one queue may carry.
  public static let maxCaps = 64
}
