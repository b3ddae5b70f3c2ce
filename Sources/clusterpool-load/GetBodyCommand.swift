import ArgumentParser
import ClusterPoolProto
import Foundation

/// Writes the gRPC-framed body of a GetCluster request, for h2load's `-d`.
struct GetBodyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "get-body", abstract: "Write a gRPC-framed GetCluster request body.")

  @Option(help: "Cluster name.")
  var name: String

  @Option(help: "Organization (empty: the server's default).")
  var organization = ""

  @Option(help: "Output file.")
  var out: String

  func run() throws {
    let message = try Cloudidl.Cluster.GetRequest(clusterId: .init(organization: organization, name: name)).serializedBytes()
    let count = UInt32(message.count)
    let frame = [0, UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)] + message
    try Data(frame).write(to: URL(fileURLWithPath: out))
    print("wrote \(out): \(frame.count) bytes (GetCluster \(name))")
  }
}
