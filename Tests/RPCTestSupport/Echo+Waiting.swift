public import RPCCore

extension Echo {
  /// The methods that wait: slow, sleep, hold, watch.
  static func registerWaiting(in registry: MethodRegistry, probe: Probe) {
    let coder = UTF8Coder()
    registry.registerUnary(slow, deserializer: coder, serializer: coder) { request, _ in
      probe.record("started:\(request)")
      do {
        try await Task.sleep(for: .seconds(60))
      } catch {
        probe.record("cancelled:\(request)")
        throw error
      }
      return request
    }
    registry.registerUnary(sleep, deserializer: coder, serializer: coder) { request, _ in
      probe.record("sleeping:\(request)")
      try await Task.sleep(for: .milliseconds(Int(request) ?? 0))
      return "slept \(request)"
    }
    // Runs until the test records "release" (so a call is in flight for as long as a test
    // needs, however slowly the machine runs), then answers.
    registry.registerUnary(hold, deserializer: coder, serializer: coder) { request, _ in
      probe.record("holding:\(request)")
      guard await probe.wait(for: "release", timeout: .seconds(120)) else {
        throw RPCError(code: .deadlineExceeded, message: "hold \(request) never released")
      }
      return "released \(request)"
    }
    registry.registerServerStreaming(watch, deserializer: coder, serializer: coder) {
      request, writer, _ in
      try await writer.write("first \(request)")
      probe.record("watching:\(request)")
      do {
        try await Task.sleep(for: .seconds(60))
      } catch {
        probe.record("watch cancelled:\(request)")
        throw error
      }
    }
  }

  /// The methods of sizes and flow control: size, flood, stall.
  static func registerBulk(in registry: MethodRegistry, probe: Probe) {
    registry.registerUnary(size, deserializer: BytesCoder(), serializer: BytesCoder()) {
      request, _ in
      probe.record("size:\(request.count)")
      return [UInt8](repeating: 7, count: request.count)
    }
    registry.registerServerStreaming(flood, deserializer: UTF8Coder(), serializer: BytesCoder()) {
      _, writer, _ in
      // Incompressible, so gzip (which the client accepts) does not shrink it on the wire.
      let chunk = (0..<(16 << 10)).map { _ in UInt8.random(in: 0...255) }
      defer { probe.record("flood ended") }
      while true {
        try await writer.write(chunk)
        probe.count()
      }
    }
    registry.registerBidiStreaming(stall, deserializer: BytesCoder(), serializer: UTF8Coder()) {
      requests, writer, _ in
      for try await _ in requests {
        probe.record("stall: first request")
        try await Task.sleep(for: .seconds(30))  // never reads again; ends when cancelled
      }
      try await writer.write("never")
    }
  }
}
