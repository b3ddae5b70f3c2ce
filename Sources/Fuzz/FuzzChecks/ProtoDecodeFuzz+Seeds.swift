import ClusterPoolProto

/// Valid requests of the seed's calls (every field the services read set at least once),
/// plus the empty body of every request type.
extension ProtoDecodeFuzz {
  public static var seeds: [[UInt8]] {
    var out: [[UInt8]] = requestTypes.indices.map { [UInt8($0)] }
    func add<M: ProtoMessage>(_ message: M) {
      guard let index = requestTypes.firstIndex(where: { $0.protoMessageName == M.protoMessageName }),
        let body = try? message.serializedBytes()
      else { fatalError("seed \(M.protoMessageName) is not a request type or does not encode") }
      out.append([UInt8(index)] + body)
    }
    typealias C = Cloudidl.Common
    let poolID = C.ClusterPoolIdentifier(organization: "acme", name: "prod")
    let clusterID = C.ClusterIdentifier(organization: "acme", name: "prod-us-east-1")
    let queueID = C.QueueIdentifier(organization: "acme", domain: "development", project: "p", name: "gpu")
    let config = C.ClusterPoolConfig(
      objectStoreRef: C.ObjectStoreRef(uri: "s3://my-prod-bucket/prefix", endpoint: "https://minio:9000"),
      secretStore: C.SecretStore(type: .init(rawValue: 1), locator: "us-east-1"),
      imageRegistry: C.ImageRegistry(locator: "123456789012.dkr.ecr.us-east-1.amazonaws.com/union"))
    let pool = Cloudidl.Clusterpool.ClusterPool(
      id: poolID, memberClusters: [clusterID], config: config)
    let listing = C.ListRequest(
      limit: 10, token: "b64token", sortBy: C.Sort(key: "name", direction: .init(rawValue: 1)),
      filters: [
        C.Filter(function: .init(rawValue: 6), field: "name", values: ["pro"]),
        C.Filter(function: .init(rawValue: 15), field: "deleted_at", values: []),
      ],
      rawFilters: ["name=prod"], sortByFields: [C.Sort(key: "name", direction: .init(rawValue: 0))])

    add(Cloudidl.Clusterpool.CreateRequest(clusterPool: pool))
    add(Cloudidl.Clusterpool.UpdateRequest(clusterPool: pool))
    add(Cloudidl.Clusterpool.GetRequest(id: poolID))
    add(Cloudidl.Clusterpool.ListRequest(organization: "acme", request: listing))

    var status = Cloudidl.Cluster.Status()
    status.health = .init(rawValue: 2)
    status.state = .init(rawValue: 1)
    status.unhealthyReasons = ["object store s3://a differs"]
    status.operatorClusterData = Cloudidl.Cluster.OperatorClusterData(
      metadataObjectStoreRef: config.objectStoreRef, secretStore: config.secretStore,
      imageRegistry: config.imageRegistry)
    var update = Cloudidl.Cluster.UpdateStatusRequest()
    update.clusterId = clusterID
    update.status = status
    add(update)
    var create = Cloudidl.Cluster.CreateClusterRequest()
    create.clusterId = clusterID
    create.clusterPoolName = "prod"
    add(create)
    var state = Cloudidl.Cluster.UpdateClusterStateRequest()
    state.clusterId = clusterID
    state.state = .init(rawValue: 2)
    state.expectedGeneration = 3
    add(state)
    var get = Cloudidl.Cluster.GetRequest()
    get.clusterId = clusterID
    get.includeDeleted = true
    add(get)
    var list = Cloudidl.Cluster.ListRequest()
    list.organization = "acme"
    list.request = listing
    add(list)
    var count = Cloudidl.Cluster.CountRequest()
    count.filters = listing.filters
    count.rawFilters = ["pool=prod"]
    add(count)

    var spec = Cloudidl.Queue.QueueSpec()
    spec.runConcurrency = 10
    spec.actionConcurrency = 100
    spec.depth = 5
    spec.priority = .init(rawValue: 50)
    spec.fairness = .init(rawValue: 1)
    spec.clusters = ["prod-us-east-1"]
    spec.clusterPoolName = "prod"
    spec.scheduling = .init(rawValue: 2)
    var createQueue = Cloudidl.Queue.CreateQueueRequest()
    createQueue.id = queueID
    createQueue.spec = spec
    createQueue.state = .init(rawValue: 1)
    add(createQueue)
    var updateQueue = Cloudidl.Queue.UpdateQueueRequest()
    updateQueue.id = queueID
    updateQueue.spec = spec
    add(updateQueue)
    var queueState = Cloudidl.Queue.UpdateQueueStateRequest()
    queueState.id = queueID
    queueState.state = .init(rawValue: 3)
    queueState.expectedStateGeneration = 2
    add(queueState)
    return out
  }
}
