internal import ClusterPoolDomain
internal import ClusterPoolProto

/// Queue caps between the wire (`QueueSpec.max_resources`, `max_accelerators`) and the domain.
extension QueueMessages {
  typealias ResourceEntry = Flyteidl2.Core.Resources.ResourceEntry
  typealias AcceleratorCapacity = Cloudidl.Cluster.AcceleratorCapacity

  /// The `max_resources` entries as the rules take them.
  static func resourceEntries(_ entries: [ResourceEntry]) -> [QueueCapRules.ResourceEntry] {
    entries.map { QueueCapRules.ResourceEntry(name: $0.name.rawValue, value: $0.value) }
  }

  /// The `max_accelerators` entries as the rules take them.
  static func acceleratorEntries(_ entries: [AcceleratorCapacity]) -> [QueueCapRules.AcceleratorEntry] {
    entries.map { entry in
      QueueCapRules.AcceleratorEntry(
        accelerator: entry.accelerator.map { accelerator in
          let partitioning: AcceleratorCap.Partitioning? =
            switch accelerator.partitionSizeValue {
            case .unpartitioned(let value)?: .unpartitioned(value)
            case .partitionSize(let size)?: .size(size)
            case nil: nil
            }
          return .init(
            deviceClass: accelerator.deviceClass.rawValue, device: accelerator.device, partitioning: partitioning,
            model: accelerator.acceleratorModel.rawValue)
        },
        count: entry.count)
    }
  }

  /// The wire form of resource caps.
  static func wireResources(_ caps: [ResourceCap]) -> [ResourceEntry] {
    caps.map { ResourceEntry(name: .init(rawValue: $0.resource), value: $0.quantity.text) }
  }

  /// The wire form of accelerator caps.
  static func wireAccelerators(_ caps: [AcceleratorCap]) -> [AcceleratorCapacity] {
    caps.map { cap in
      let partition: Flyteidl2.Core.GPUAccelerator.PartitionSizeValue =
        switch cap.partitioning {
        case .unpartitioned(let value): .unpartitioned(value)
        case .size(let size): .partitionSize(size)
        }
      return AcceleratorCapacity(
        accelerator: .init(
          device: cap.device, partitionSizeValue: partition, deviceClass: .init(rawValue: cap.deviceClass),
          acceleratorModel: .init(rawValue: cap.model)),
        count: cap.count)
    }
  }
}
