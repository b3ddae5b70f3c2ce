"""Dry runs (`clusterpool-dry-run: true`, issue 14 point 2) on the real server, both backends:
for every kind (pool, cluster, queue, role, policy, assignment) a dry-run create, update and
delete answers what the committed call then answers (times aside) and leaves the store
unchanged, every table read before and after (the audit log and PostgreSQL's change log and
revision counter are tables too); watchers hear nothing of it; a dry run the rules reject gets
the real call's status and message; every answer to a dry run echoes the header (reads,
writes, errors; gRPC, gRPC-Web and Connect, HTTP/2 and HTTP/1.1); another value is
INVALID_ARGUMENT; a heartbeat and an API key's creation refuse it; a viewer's dry run is
PERMISSION_DENIED as the real call is."""
import time
from types import SimpleNamespace

import grpc
import pytest

from connect_clients import envelope
from raw_h2 import RawH2Connection as RawH2
from test_authz import api_key, as_key, m, secured  # noqa: F401  (fixtures)
from test_clusterpool import code_of, make_pool, pid
from test_official_cli import dev_certs  # noqa: F401  (fixture)
from test_revision_headers import post

S = grpc.StatusCode
DRY = "clusterpool-dry-run"
DRY_RUN = [(DRY, "true")]
POOLS = "cloudidl.clusterpool.ClusterPoolService"


@pytest.fixture
def org(start_server, database, m):
    """A server on the test's backend and grpcio stubs for every service, with `dump()`: every
    row of every table of its store, sorted."""
    srv = start_server("--database", database("dry.db"), "--default-organization", "acme",
                       "--default-identity", "py-tester", test_service=False)

    def dump():
        if database.backend == "sqlite":
            tables = [t for (t,) in database.query("dry.db", "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            return {t: sorted(database.query("dry.db", f'SELECT * FROM "{t}"')) for t in tables}
        # one query (one psql) for every table: each row as text, named by its table
        tables = [t for (t,) in database.query("dry.db", "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        rows = database.query("dry.db", " UNION ALL ".join(f"SELECT '{t}', t::text FROM \"{t}\" AS t" for t in tables))
        return {t: sorted("|".join(row) for table, *row in rows if table == t) for t in tables}

    with grpc.insecure_channel(srv.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield SimpleNamespace(srv=srv, dump=dump, **{name: getattr(m, name)(ch) for name in
                                                     ("pools", "clusters", "queues", "roles", "policies", "users", "apps", "assign")})


def without_times(message):
    """`message` with every google.protobuf.Timestamp in it cleared (a dry run's times are its own)."""
    copy = type(message)()
    copy.CopyFrom(message)

    def clear(msg):
        for field, value in msg.ListFields():
            if field.message_type is None:
                continue
            values = [value] if hasattr(value, "DESCRIPTOR") else value  # one message, or a repeated field
            if field.message_type.full_name == "google.protobuf.Timestamp":
                msg.ClearField(field.name)
            elif not (field.message_type.GetOptions().map_entry):
                for v in values:
                    clear(v)
    clear(copy)
    return copy


def echoed(metadata) -> bool:
    return [v for k, v in (metadata or ()) if k == DRY] == ["true"]


def rehearse(org, method, request):
    """A dry run of `method` with `request`, then the real call: both answer the same (times
    aside), the dry run echoes the header and changes no row. Returns the real answer."""
    before = org.dump()
    dry, call = method.with_call(request, timeout=10, metadata=DRY_RUN)
    assert echoed(call.initial_metadata()), call.initial_metadata()
    assert org.dump() == before, "a dry run changed the store"
    real, call = method.with_call(request, timeout=10)
    assert not echoed(call.initial_metadata())
    assert without_times(dry) == without_times(real), (dry, real)
    assert org.dump() != before, "the real call changed nothing: the dry run proved nothing"
    return real


def rejected_alike(org, method, request, code):
    """A dry run the rules reject: the real call's status and message, the header echoed."""
    before = org.dump()
    with pytest.raises(grpc.RpcError) as dry:
        method(request, timeout=10, metadata=DRY_RUN)
    assert echoed(dry.value.trailing_metadata()) or echoed(dry.value.initial_metadata())
    assert org.dump() == before
    with pytest.raises(grpc.RpcError) as real:
        method(request, timeout=10)
    assert (dry.value.code(), dry.value.details()) == (real.value.code(), real.value.details()) == (code, real.value.details())
    # the real rejection is recorded after its answer, in the order of the calls (a dry run's
    # record, had there been one, first): once it is there, it is the only new one
    records = len(before["audit_records"])
    deadline = time.monotonic() + 20
    while len(org.dump()["audit_records"]) == records and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(org.dump()["audit_records"]) == records + 1, "want the real rejection's record alone"
    return real.value.details()


def test_dry_runs_of_every_kind_answer_as_committed_and_write_nothing(org, m):
    c = m.common
    # pools
    rehearse(org, org.pools.Create, m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")))
    rehearse(org, org.pools.Update, m.pool.UpdateRequest(cluster_pool=make_pool(m, "prod", uri="s3://other/prefix")))
    rehearse(org, org.pools.Create, m.pool.CreateRequest(cluster_pool=make_pool(m, "spare")))
    rehearse(org, org.pools.Delete, m.pool.DeleteRequest(id=pid(m, "spare")))
    rehearse(org, org.pools.Undelete, m.pool.UndeleteRequest(id=pid(m, "spare")))
    # clusters: register, drain (the seed's drain), delete
    for name in ("c1", "c2"):
        rehearse(org, org.clusters.CreateCluster, m.cluster.CreateClusterRequest(
            cluster_id=c.ClusterIdentifier(name=name), cluster_pool_name="prod"))
    drained = rehearse(org, org.clusters.UpdateClusterState, m.cluster.UpdateClusterStateRequest(
        cluster_id=c.ClusterIdentifier(name="c2"), state=m.cluster.CLUSTER_STATE_DRAINING))
    # a cluster that never reported is drained at once
    assert drained.cluster.drain_status.overall_state == m.cluster.CLUSTER_STATE_DRAINED
    deleted = rehearse(org, org.clusters.DeleteCluster, m.cluster.DeleteRequest(cluster_id=c.ClusterIdentifier(name="c2")))
    assert deleted.cluster.deleted_at.seconds > 0 or deleted.cluster.drain_status.overall_state >= m.cluster.CLUSTER_STATE_DELETING
    # queues
    spec = lambda run: m.queue.QueueSpec(run_concurrency=run, action_concurrency=100, cluster_pool_name="prod")  # noqa: E731
    q = c.QueueIdentifier(name="q1")
    created = rehearse(org, org.queues.CreateQueue, m.queue.CreateQueueRequest(id=q, spec=spec(10), state=m.queue.QUEUE_STATE_ACTIVE))
    assert created.queue.spec.run_concurrency == 10 and [x.name for x in created.queue.status.available_clusters] == ["c1"]
    assert rehearse(org, org.queues.UpdateQueue, m.queue.UpdateQueueRequest(id=q, spec=spec(20))).queue.spec.run_concurrency == 20
    rehearse(org, org.queues.UpdateQueueState, m.queue.UpdateQueueStateRequest(id=q, state=m.queue.QUEUE_STATE_DRAINING))
    rehearse(org, org.queues.DeleteQueue, m.queue.DeleteQueueRequest(id=q))
    # roles
    A = m.authn.Action
    ops = c.RoleIdentifier(organization="acme", name="ops")
    rehearse(org, org.roles.CreateRole, m.role.CreateRoleRequest(role=m.crole.Role(
        id=ops, role_spec=m.crole.RoleSpec(description="operators"), actions=[A.Value("ACTION_MANAGE_CLUSTER")])))
    rehearse(org, org.roles.UpdateRole, m.role.UpdateRoleRequest(role=m.crole.Role(
        id=ops, role_spec=m.crole.RoleSpec(description="on call"), actions=[A.Value("ACTION_MANAGE_QUEUE")])))
    # policies
    acme = m.authn.Resource(organization=m.authn.Organization(name="acme"))
    p = c.PolicyIdentifier(name="ops-all")
    rehearse(org, org.policies.CreatePolicy, m.policy.CreatePolicyRequest(policy=m.cpolicy.Policy(
        id=p, bindings=[m.cpolicy.PolicyBinding(role_id=ops, resource=acme)], description="d")))
    viewer = m.cpolicy.PolicyBinding(role_id=c.RoleIdentifier(name="viewer"), resource=acme)
    rehearse(org, org.policies.CreatePolicyBinding, m.policy.CreatePolicyBindingRequest(id=p, binding=viewer))
    rehearse(org, org.policies.DeletePolicyBinding, m.policy.DeletePolicyBindingRequest(id=p, binding=viewer))
    # assignments (of a user)
    subject = rehearse(org, org.users.CreateUser, m.user.CreateUserRequest(spec=m.ident.UserSpec(email="ada@example.com"))).id.subject
    ada = m.ident.Identity(user_id=m.ident.UserIdentifier(subject=subject))
    rehearse(org, org.assign.AssignIdentity, m.authz.AssignIdentityRequest(identity=ada, policy_id=p))
    rehearse(org, org.assign.UnassignIdentity, m.authz.UnassignIdentityRequest(identity=ada, policy_id=p))
    # deletes of the policy and the role last: nothing refers to them any more
    rehearse(org, org.policies.DeletePolicy, m.policy.DeletePolicyRequest(id=p))
    rehearse(org, org.roles.DeleteRole, m.role.DeleteRoleRequest(id=ops))


def test_rejected_dry_runs_fail_as_the_real_call(org, m):
    c = m.common
    org.pools.Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")), timeout=10)
    org.clusters.CreateCluster(m.cluster.CreateClusterRequest(cluster_id=c.ClusterIdentifier(name="c1"), cluster_pool_name="prod"),
                               timeout=10)
    org.queues.CreateQueue(m.queue.CreateQueueRequest(id=c.QueueIdentifier(name="pinned"), spec=m.queue.QueueSpec(
        run_concurrency=1, action_concurrency=1, cluster_pool_name="prod", clusters=["c1"])), timeout=10)
    rejected_alike(org, org.pools.Create, m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")), S.ALREADY_EXISTS)
    message = rejected_alike(org, org.pools.Delete, m.pool.DeleteRequest(id=pid(m, "prod")), S.FAILED_PRECONDITION)
    assert "c1" in message, message
    message = rejected_alike(org, org.clusters.DeleteCluster, m.cluster.DeleteRequest(cluster_id=c.ClusterIdentifier(name="c1")),
                             S.FAILED_PRECONDITION)
    assert "pinned" in message, message
    rejected_alike(org, org.clusters.CreateCluster, m.cluster.CreateClusterRequest(
        cluster_id=c.ClusterIdentifier(name="c2"), cluster_pool_name="nope"), S.NOT_FOUND)
    rejected_alike(org, org.queues.UpdateQueue, m.queue.UpdateQueueRequest(id=c.QueueIdentifier(name="ghost"), spec=m.queue.QueueSpec(
        run_concurrency=1, action_concurrency=1, cluster_pool_name="prod")), S.NOT_FOUND)
    rejected_alike(org, org.roles.DeleteRole, m.role.DeleteRoleRequest(id=c.RoleIdentifier(name="admin")), S.FAILED_PRECONDITION)


def test_watchers_hear_nothing_of_a_dry_run(org, m):
    c = m.common
    org.pools.Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")), timeout=10)
    org.clusters.CreateCluster(m.cluster.CreateClusterRequest(cluster_id=c.ClusterIdentifier(name="c1"), cluster_pool_name="prod"),
                               timeout=10)
    stream = org.clusters.WatchClusters(m.cluster.WatchClustersRequest(), timeout=30)
    try:
        assert [s.id.name for s in next(stream).clusters] == ["c1"]  # the current clusters first
        org.clusters.CreateCluster(m.cluster.CreateClusterRequest(cluster_id=c.ClusterIdentifier(name="c2"), cluster_pool_name="prod"),
                                   timeout=10, metadata=DRY_RUN)
        org.clusters.UpdateClusterState(m.cluster.UpdateClusterStateRequest(
            cluster_id=c.ClusterIdentifier(name="c1"), state=m.cluster.CLUSTER_STATE_DRAINING), timeout=10, metadata=DRY_RUN)
        org.clusters.DeleteCluster(m.cluster.DeleteRequest(cluster_id=c.ClusterIdentifier(name="c1")), timeout=10, metadata=DRY_RUN)
        # a real change after them: the next event is about it alone
        org.clusters.CreateCluster(m.cluster.CreateClusterRequest(cluster_id=c.ClusterIdentifier(name="c3"), cluster_pool_name="prod"),
                                   timeout=10)
        event = next(stream)
        assert [(s.id.name, s.drain_status.overall_state) for s in event.clusters] == [("c3", m.cluster.CLUSTER_STATE_ACTIVE)], event
    finally:
        stream.cancel()
    listed = org.clusters.ListClusters(m.cluster.ListRequest(), timeout=10).clusters
    assert [(x.spec.id.name, x.drain_status.overall_state) for x in listed] == [
        ("c1", m.cluster.CLUSTER_STATE_ACTIVE), ("c3", m.cluster.CLUSTER_STATE_ACTIVE)]


def test_reads_echo_the_header_and_other_values_are_invalid(org, m):
    _, call = org.pools.Get.with_call(m.pool.GetRequest(id=pid(m, "default")), timeout=10, metadata=DRY_RUN)
    assert echoed(call.initial_metadata())
    _, call = org.pools.Get.with_call(m.pool.GetRequest(id=pid(m, "default")), timeout=10)
    assert not echoed(call.initial_metadata()), "a call without the header is answered without it"
    _, call = org.queues.ListQueues.with_call(m.queue.ListQueuesRequest(), timeout=10, metadata=DRY_RUN)
    assert echoed(call.initial_metadata())
    stream = org.clusters.WatchClusters(m.cluster.WatchClustersRequest(), timeout=30, metadata=DRY_RUN)
    try:
        assert echoed(stream.initial_metadata())
    finally:
        stream.cancel()
    with pytest.raises(grpc.RpcError) as missing:
        org.pools.Get(m.pool.GetRequest(id=pid(m, "nope")), timeout=10, metadata=DRY_RUN)
    assert missing.value.code() == S.NOT_FOUND and echoed(missing.value.trailing_metadata())
    before = org.dump()
    for value in ("false", "TRUE", "yes", "1"):
        code, message = code_of(lambda: org.pools.Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")), timeout=10,
                                                         metadata=[(DRY, value)]))
        assert code == S.INVALID_ARGUMENT and DRY in message and f'"{value}"' in message, (value, message)
    assert org.dump() == before


def test_methods_outside_the_store_refuse_a_dry_run(org, m):
    c = m.common
    org.pools.Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")), timeout=10)
    org.clusters.CreateCluster(m.cluster.CreateClusterRequest(cluster_id=c.ClusterIdentifier(name="c1"), cluster_pool_name="prod"),
                               timeout=10)
    before = org.dump()
    code, message = code_of(lambda: org.clusters.Heartbeat(m.cluster.HeartbeatRequest(cluster_id=c.ClusterIdentifier(name="c1")),
                                                           timeout=10, metadata=DRY_RUN))
    assert code == S.FAILED_PRECONDITION and "ClusterService/Heartbeat cannot be dry run" in message, message
    code, message = code_of(lambda: org.clusters.UpdateStatus(m.cluster.UpdateStatusRequest(
        cluster_id=c.ClusterIdentifier(name="c1")), timeout=10, metadata=DRY_RUN))
    assert code == S.FAILED_PRECONDITION and "ClusterService/UpdateStatus cannot be dry run" in message, message
    code, message = code_of(lambda: org.apps.Create(m.app.CreateAppRequest(client_id="ci"), timeout=10, metadata=DRY_RUN))
    assert code == S.FAILED_PRECONDITION and "AppsService/Create cannot be dry run" in message and "secret" in message, message
    assert org.dump() == before
    got = org.clusters.GetCluster(m.cluster.GetRequest(cluster_id=c.ClusterIdentifier(name="c1")), timeout=10).cluster
    assert got.status.health != m.cluster.Status.HEALTHY, "the refused heartbeat was recorded"


def test_connect_and_grpc_web_dry_runs(org, m):
    """Over HTTP/1.1 and HTTP/2: a dry-run Create answers OK with the header and writes nothing;
    a rejected one answers the error with the header."""
    body = m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")).SerializeToString()
    before = org.dump()
    for content_type in ("application/proto", "application/grpc-web+proto"):
        framed = body if content_type == "application/proto" else envelope(body)
        resp = post(org.srv.port, f"/{POOLS}/Create", framed, content_type, **{DRY: "true"})
        assert resp.status == 200 and resp.getheader(DRY) == "true", (content_type, resp.status, resp.body)
        if content_type == "application/grpc-web+proto":
            assert b"grpc-status:0" in resp.body.replace(b" ", b""), resp.body
        with RawH2(org.srv.port) as h2:
            sid = h2.request(h2.grpc_headers(f"/{POOLS}/Create", content_type=content_type) + [(DRY.encode(), b"true")], framed)
            assert h2.wait(lambda: h2.streams[sid].ended, timeout=20)
            headers = h2.streams[sid].headers
            assert headers[b":status"] == b"200" and headers[DRY.encode()] == b"true", headers
    assert org.dump() == before
    org.pools.Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")), timeout=10)
    resp = post(org.srv.port, f"/{POOLS}/Create", body, "application/proto", **{DRY: "true"})
    assert resp.status == 409 and b"already_exists" in resp.body and resp.getheader(DRY) == "true", (resp.status, resp.body)
    resp = post(org.srv.port, f"/{POOLS}/Create", body, "application/proto", **{DRY: "maybe"})
    assert resp.status == 400 and b"invalid_argument" in resp.body and resp.getheader(DRY) is None, (resp.status, resp.body)


def test_a_viewers_dry_run_is_denied_as_the_real_call(secured, m):  # noqa: F811
    srv, ch, boot = secured
    admin = boot.read_text().strip()
    apps, policies, assign, pools = m.apps(ch), m.policies(ch), m.assign(ch), m.pools(ch)
    secret = apps.Create(m.app.CreateAppRequest(client_id="ci", skip_default_policy_assignments=True), timeout=10,
                         metadata=as_key(admin)).app.client_secret
    acme = m.authn.Resource(organization=m.authn.Organization(name="acme"))
    policies.CreatePolicy(m.policy.CreatePolicyRequest(policy=m.cpolicy.Policy(
        id=m.common.PolicyIdentifier(name="ci-view"),
        bindings=[m.cpolicy.PolicyBinding(role_id=m.common.RoleIdentifier(name="viewer"), resource=acme)])),
        timeout=10, metadata=as_key(admin))
    assign.AssignIdentity(m.authz.AssignIdentityRequest(
        identity=m.ident.Identity(application_id=m.ident.ApplicationIdentifier(subject="ci")),
        policy_id=m.common.PolicyIdentifier(name="ci-view")), timeout=10, metadata=as_key(admin))
    ci = as_key(api_key("ci", secret))
    create = m.pool.CreateRequest(cluster_pool=make_pool(m, "prod"))
    with pytest.raises(grpc.RpcError) as dry:
        pools.Create(create, timeout=10, metadata=ci + DRY_RUN)
    with pytest.raises(grpc.RpcError) as real:
        pools.Create(create, timeout=10, metadata=ci)
    assert dry.value.code() == real.value.code() == S.PERMISSION_DENIED
    assert dry.value.details() == real.value.details() and "ACTION_MANAGE_CLUSTER" in dry.value.details()
    # the admin's dry run passes, writes nothing
    pools.Create(create, timeout=10, metadata=as_key(admin) + DRY_RUN)
    assert code_of(lambda: pools.Get(m.pool.GetRequest(id=pid(m, "prod")), timeout=10, metadata=ci))[0] == S.NOT_FOUND
