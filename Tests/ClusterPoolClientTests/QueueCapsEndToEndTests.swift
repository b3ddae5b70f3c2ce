import ClusterPoolClient
import Testing

/// `Queue` caps and scheduling against the real QueueService: created, read back, replaced and
/// removed through the Swift API; the server's cap rules as `INVALID_ARGUMENT` `ClientError`s;
/// the cap syntax the CLI and manifests share.
@Suite struct QueueCapsEndToEndTests {
  @Test func capsRoundTripThroughTheServer() async throws {
    try await withQueueControlPlane { client in
      let created = try await Queue.create(
        "gpu", runConcurrency: 1, actionConcurrency: 1, scheduling: .greedyCapacity,
        maxResources: [.init(.cpu, "4"), .init(.memory, "16Gi")],
        maxAccelerators: try QueueAcceleratorCap.parseList(["H100=8,nvidia_gpu=2", "A100/1g.5gb=1"]), client: client)
      #expect(created.spec.scheduling == .greedyCapacity)
      #expect(created.spec.maxResources.map(\.description) == ["cpu=4", "memory=16Gi"])
      #expect(
        created.spec.maxAccelerators.map(\.description) == [
          "nvidia_gpu/nvidia-h100=8", "nvidia_gpu=2", "nvidia_gpu/nvidia-a100/1g.5gb=1",
        ])
      #expect(try await Queue.get("gpu", client: client).spec == created.spec)
      let listed = try await Queue.listAll(client: client).collect().first { $0.name == "gpu" }
      #expect(listed?.spec == created.spec)

      // nil keeps a part, a list replaces it, [] removes it
      let updated = try await Queue.update("gpu", runConcurrency: 3, maxResources: [.init(.ephemeralStorage, "1Ti")], client: client)
      #expect(updated.spec.maxResources.map(\.description) == ["ephemeral_storage=1Ti"])
      #expect(updated.spec.maxAccelerators == created.spec.maxAccelerators && updated.spec.scheduling == .greedyCapacity)
      let cleared = try await Queue.update("gpu", scheduling: .strictFIFO, maxAccelerators: [], client: client)
      #expect(cleared.spec.maxAccelerators.isEmpty && cleared.spec.scheduling == .strictFIFO)

      await #expect {
        try await Queue.update("gpu", maxResources: [.init(.cpu, "0.0")], client: client)
      } throws: {
        let error = $0 as? ClientError
        return error?.code == .invalidArgument && error?.message.contains("(CPU) must be positive") == true
      }
      await #expect {
        try await Queue.update("gpu", maxAccelerators: [.init(deviceClass: .googleTPU, device: "", count: 1)], client: client)
      } throws: {
        ($0 as? ClientError)?.message
          == "spec.max_accelerators[0]: an entry without a device is only supported for NVIDIA_GPU; name the device"
      }
    }
  }

  @Test func capSyntax() throws {
    #expect(try QueueResourceCap.parseList(["cpu=4,memory=16Gi", "EPHEMERAL-STORAGE=1G"]).map(\.description) == [
      "cpu=4", "memory=16Gi", "ephemeral_storage=1G",
    ])
    #expect(try QueueAcceleratorCap(parsing: "T4=2").description == "nvidia_gpu/nvidia-t4=2")
    #expect(try QueueAcceleratorCap(parsing: "a10g=2").device == "nvidia-a10g")
    #expect(try QueueAcceleratorCap(parsing: "A100 80G=2").device == "nvidia-a100-80gb")
    #expect(try QueueAcceleratorCap(parsing: "nvidia-tesla-v100=1").device == "nvidia-v100")
    #expect(try QueueAcceleratorCap(parsing: "tpu/V5E/2x2=4").description == "google_tpu/google-tpu-v5e/2x2=4")
    #expect(try QueueAcceleratorCap(parsing: "MI300X=4").deviceClass == .amdGPU)
    #expect(try QueueAcceleratorCap(parsing: "trn1=4").device == "aws-trn1")
    #expect(try QueueAcceleratorCap(parsing: "gpu=8").description == "nvidia_gpu=8")
    for bad in ["cpu", "cpu=", "=4", "gpu=1", "disk=1"] {
      #expect(throws: QueueCapError.self) { try QueueResourceCap(parsing: bad) }
    }
    for bad in ["H100", "H100=0", "H100=x", "tpu=4", "amd/H100=1", "X9000=1", "a/b/c/d=1", "H100//1g=1"] {
      #expect(throws: QueueCapError.self) { try QueueAcceleratorCap(parsing: bad) }
    }
    #expect(throws: QueueCapError.self) { try QueueResourceCap.parseList(["cpu=1,cpu=2"]) }
    #expect(throws: QueueCapError.self) { try QueueAcceleratorCap.parseList(["H100=1", "nvidia-h100=2"]) }
  }
}
