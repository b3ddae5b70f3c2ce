/// The accelerators a cap can name: the canonical device names of `flyteidl2.core.
/// AcceleratorModel` (`<vendor>-<model>[-<memory>]`, lower case), each with its model number;
/// the number's hundreds give the device class (0 NVIDIA, 1 Google TPU, 2 Amazon Neuron, 3 AMD,
/// 4 Habana Gaudi). Shorthand (`H100`, `A100 80G`, `V6E`, `MI300X`) resolves to a canonical name.
enum AcceleratorCatalog {
  static let models: [(name: String, model: Int32)] = [
    ("nvidia-k80", 1), ("nvidia-m60", 2), ("nvidia-p4", 3), ("nvidia-p100", 4), ("nvidia-v100", 5), ("nvidia-t4", 6),
    ("nvidia-a10", 7), ("nvidia-a10g", 8), ("nvidia-a100", 9), ("nvidia-a100-80gb", 10), ("nvidia-l4", 11),
    ("nvidia-l40s", 12), ("nvidia-h100", 13), ("nvidia-h100-mega-80gb", 14), ("nvidia-h200", 15), ("nvidia-b200", 16),
    ("nvidia-gb200", 17), ("nvidia-gb10", 18), ("nvidia-rtx-pro-6000", 19), ("nvidia-rtx-pro-4500", 20),
    ("google-tpu-v5e", 100), ("google-tpu-v5p", 101), ("google-tpu-v6e", 102),
    ("aws-inf1", 200), ("aws-inf2", 201), ("aws-trn1", 202), ("aws-trn1n", 203), ("aws-trn2", 204), ("aws-trn2u", 205),
    ("amd-mi100", 300), ("amd-mi210", 301), ("amd-mi250", 302), ("amd-mi250x", 303), ("amd-mi300a", 304),
    ("amd-mi300x", 305), ("amd-mi325x", 306), ("amd-mi350x", 307), ("amd-mi355x", 308),
    ("habana-gaudi1", 400),
  ]

  /// The vendor prefixes shorthand leaves out, tried in order.
  static let prefixes = ["nvidia-", "nvidia-tesla-", "google-tpu-", "tpu-", "aws-", "amd-", "habana-"]

  /// The model number of a canonical name; nil for any other device.
  static func model(of device: String) -> Int32? { models.first { $0.name == device }?.model }

  /// The device class of a canonical name.
  static func deviceClass(of device: String) -> QueueAcceleratorCap.DeviceClass? {
    model(of: device).flatMap { QueueAcceleratorCap.DeviceClass(number: $0 / 100) }
  }

  /// The canonical name `text` stands for: itself, or shorthand without the vendor prefix,
  /// any case, spaces as `-`, a trailing `80G` as `80gb`; nil when it stands for none.
  static func canonical(_ text: String) -> String? {
    let key = text.trimmingWhitespace().lowercased().replacing(" ", with: "-").replacing("_", with: "-")
    var keys = [key]
    if key.hasSuffix("g"), key.dropLast().last?.isNumber == true { keys.append(key + "b") }  // A100 80G: a100-80gb
    for key in keys {
      if model(of: key) != nil { return key }
      for prefix in prefixes {
        let vendor = prefix == "nvidia-tesla-" ? "nvidia-" : prefix == "tpu-" ? "google-tpu-" : prefix
        let bare = key.hasPrefix(prefix) ? String(key.dropFirst(prefix.count)) : key
        if model(of: vendor + bare) != nil { return vendor + bare }
      }
    }
    return nil
  }
}
