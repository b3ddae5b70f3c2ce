internal import ClusterPoolProto

/// A cap on the devices of one accelerator a queue's running actions may hold: `H100=8`,
/// `nvidia-a100/1g.5gb=2` (one partition size), `nvidia_gpu=8` (NVIDIA GPUs requested without
/// a device; only NVIDIA may be capped without naming one).
public struct QueueAcceleratorCap: Sendable, Hashable, CustomStringConvertible {
  /// The accelerator's class. The raw value is the CLI spelling.
  public enum DeviceClass: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case nvidiaGPU = "nvidia_gpu"
    case googleTPU = "google_tpu"
    case amazonNeuron = "amazon_neuron"
    case amdGPU = "amd_gpu"
    case habanaGaudi = "habana_gaudi"

    static let aliases: [String: DeviceClass] = [
      "gpu": .nvidiaGPU, "nvidia": .nvidiaGPU, "tpu": .googleTPU, "neuron": .amazonNeuron, "amd": .amdGPU,
      "gaudi": .habanaGaudi,
    ]

    /// Parses `nvidia_gpu`, `NVIDIA-GPU`, `gpu`, `tpu`, ...; `nil` for anything else.
    public init?(name: String) {
      let key = name.trimmingWhitespace().lowercased().replacing("-", with: "_")
      guard let value = DeviceClass(rawValue: key) ?? Self.aliases[key] else { return nil }
      self = value
    }

    /// The wire's `GPUAccelerator.DeviceClass` number.
    init?(number: Int32) {
      guard Self.allCases.indices.contains(Int(number)) else { return nil }
      self = Self.allCases[Int(number)]
    }

    var number: Int32 { Int32(Self.allCases.firstIndex(of: self)!) }
    public var description: String { rawValue }
  }

  public var deviceClass: DeviceClass
  /// The device's canonical name (`nvidia-h100`); empty for a class-only cap.
  public var device: String {
    didSet { model = nil }  // a model sent back is the old device's
  }
  /// One partition size (`1g.5gb`); `nil` caps whole devices of every partitioning.
  public var partitionSize: String?
  /// How many devices; positive.
  public var count: Int64
  /// The `AcceleratorModel` number a server sent, sent back unchanged while the device is
  /// (nil: the catalog's number for the device).
  var model: Int32?

  /// A cap of `count` devices; `partitionSize` nil for whole devices.
  public init(deviceClass: DeviceClass = .nvidiaGPU, device: String, partitionSize: String? = nil, count: Int64) {
    self.deviceClass = deviceClass
    self.device = device
    self.partitionSize = partitionSize
    self.count = count
  }

  /// Parses `SELECTOR=COUNT`. SELECTOR is `DEVICE`, `DEVICE/PARTITION`, `CLASS` or
  /// `CLASS/DEVICE[/PARTITION]`; DEVICE is a canonical name or its shorthand (`H100`).
  public init(parsing text: String) throws(QueueCapError) {
    let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
    guard parts.count == 2, !parts[0].isEmpty, let count = Int64(parts[1]) else {
      throw QueueCapError("expected SELECTOR=COUNT (e.g. H100=8, nvidia-a100/1g.5gb=2, nvidia_gpu=8), got \"\(text)\"")
    }
    guard count > 0 else { throw QueueCapError("the count in \"\(text)\" must be a positive number of devices") }
    var path = parts[0].split(separator: "/", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
    guard path.count <= 3, !path.contains("") else {
      throw QueueCapError("\"\(parts[0])\" is not CLASS, DEVICE, DEVICE/PARTITION or CLASS/DEVICE[/PARTITION]")
    }
    let named = DeviceClass(name: path[0])
    if named != nil { path.removeFirst() }
    guard let deviceText = path.first else {
      guard named == .nvidiaGPU else {
        throw QueueCapError("only NVIDIA GPUs can be capped without naming a device: name the device (e.g. google_tpu/V6E=4)")
      }
      self.init(device: "", count: count)
      return
    }
    guard path.count <= 2 else { throw QueueCapError("\"\(path[0])\" is not an accelerator class") }
    guard let device = AcceleratorCatalog.canonical(deviceText), let deviceClass = AcceleratorCatalog.deviceClass(of: device)
    else {
      throw QueueCapError(
        "\"\(deviceText)\" is not a known accelerator: use a canonical name ("
          + AcceleratorCatalog.models.map(\.name).joined(separator: ", ") + ") or its shorthand (H100, A100 80G, V6E)")
    }
    if let named, named != deviceClass { throw QueueCapError("\(device) is a \(deviceClass) device, not \(named)") }
    self.init(deviceClass: deviceClass, device: device, partitionSize: path.count == 2 ? path[1] : nil, count: count)
  }

  /// Parses a comma-separated list of caps (`H100=8,nvidia_gpu=2`); one accelerator twice is an error.
  public static func parseList(_ texts: [String]) throws(QueueCapError) -> [QueueAcceleratorCap] {
    var caps: [QueueAcceleratorCap] = []
    for text in texts {
      for item in text.split(separator: ",") {
        let cap = try QueueAcceleratorCap(parsing: String(item))
        guard !caps.contains(where: { $0.selector == cap.selector }) else { throw QueueCapError("\(cap.selector) is capped twice") }
        caps.append(cap)
      }
    }
    return caps
  }

  /// `class[/device[/partition]]`, e.g. `nvidia_gpu/nvidia-h100`.
  public var selector: String {
    ([deviceClass.rawValue] + (device.isEmpty ? [] : [device]) + (partitionSize.map { [$0] } ?? [])).joined(separator: "/")
  }

  public var description: String { "\(selector)=\(count)" }

  var proto: Cloudidl.Cluster.AcceleratorCapacity {
    let partition: Flyteidl2.Core.GPUAccelerator.PartitionSizeValue =
      partitionSize.map { .partitionSize($0) } ?? .unpartitioned(true)
    return .init(
      accelerator: .init(
        device: device, partitionSizeValue: partition, deviceClass: .init(rawValue: deviceClass.number),
        acceleratorModel: .init(rawValue: model ?? AcceleratorCatalog.model(of: device) ?? 0)),
      count: count)
  }

  /// The caps a server sent (a device the catalog does not know is kept as sent).
  static func caps(proto: [Cloudidl.Cluster.AcceleratorCapacity]) -> [QueueAcceleratorCap] {
    proto.compactMap { entry in
      guard let accelerator = entry.accelerator, let deviceClass = DeviceClass(number: accelerator.deviceClass.rawValue) else {
        return nil
      }
      var partition: String?
      if case .partitionSize(let size)? = accelerator.partitionSizeValue { partition = size }
      var cap = QueueAcceleratorCap(
        deviceClass: deviceClass, device: accelerator.device, partitionSize: partition, count: entry.count)
      cap.model = accelerator.acceleratorModel.rawValue
      return cap
    }
  }
}
