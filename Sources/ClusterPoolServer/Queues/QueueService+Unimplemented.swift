internal import ClusterPoolProto
internal import RPCCore

extension QueueService {
  /// WatchQueueMetrics and ResolveQueue, which the official client calls (`flyte get queue
  /// --watch`, mounts resolving a run's queue) but this service does not serve: a well-formed
  /// request is answered UNIMPLEMENTED saying so, instead of the generic unknown-method answer.
  func registerUnimplemented(in registry: MethodRegistry) {
    registry.serverStreaming(
      Self.method("WatchQueueMetrics"), API.WatchQueueMetricsRequest.self, API.WatchQueueMetricsResponse.self
    ) { _, _, _ in
      throw RPCError(
        code: .unimplemented,
        message: "WatchQueueMetrics is not implemented by this server: it tracks no running work per queue, so it has no "
          + "queue metrics to stream (read a queue's spec and routing with GetQueue or ListQueues)")
    }
    registry.inline(Self.method("ResolveQueue"), API.ResolveQueueRequest.self, API.ResolveQueueResponse.self) { _, _ in
      throw RPCError(
        code: .unimplemented,
        message: "ResolveQueue is not implemented by this server: it resolves no run or settings scope to a queue "
          + "(queues belong to the organization: read one by name with GetQueue)")
    }
  }
}
