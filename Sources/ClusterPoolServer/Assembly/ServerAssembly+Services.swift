public import ClusterPoolStore
public import RPCHTTP2
public import ServiceLifecycle

extension ServerAssembly {
  /// What runs in the server's `ServiceGroup`, in order. A group stops its services in reverse
  /// order, each after the one behind it ended: the store first, so that it stops last (its
  /// queued writes, the final health save among them, are committed before it closes); then
  /// `storeFollowers` (PostgreSQL's change-log follower and heartbeat sharing); the audit
  /// recorder (stops before the store, writing what is left); the health keeper after the
  /// listeners, so that its final save follows the server's drain; `metrics` (a listener of
  /// its own) stops after `server` has drained, `/readyz` answering 503 meanwhile; `helpers`
  /// (clusterpool-server's heap trimmer) run just before the server. The server ending shuts
  /// the group down; `announcement` runs last and its end is ignored.
  public func services(
    server: RPCServer, storeFollowers: [ServiceGroupConfiguration.ServiceConfiguration] = [], metrics: RPCServer? = nil,
    helpers: [ServiceGroupConfiguration.ServiceConfiguration] = [], announcement: (any Service)? = nil
  ) -> [ServiceGroupConfiguration.ServiceConfiguration] {
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: store)]
    services += storeFollowers
    services.append(.init(service: recorder))
    if let auditRetention { services.append(.init(service: auditRetention)) }
    services.append(.init(service: keyRefresh))
    if let oidc { services.append(.init(service: oidc)) }
    if let metrics { services.append(.init(service: metrics)) }
    services.append(.init(service: healthKeeper))
    services += helpers
    services += [
      .init(service: server, successTerminationBehavior: .gracefullyShutdownGroup),
      .init(service: app.healthShutdown),
    ]
    if let announcement { services.append(.init(service: announcement, successTerminationBehavior: .ignore)) }
    return services
  }
}
