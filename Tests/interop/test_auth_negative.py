"""Issue 12's negative tests under --auth on, over grpcio, Connect (curl, HTTP/1.1 and HTTP/2)
and raw HTTP/2 (h2, a gRPC frame): every refused credential is UNAUTHENTICATED (Connect 401)
saying which and never echoing it; organization acme's key gets PERMISSION_DENIED on beta's
objects with the same message whether they exist or not; a data-plane key bound to one cluster
reports that cluster only; the last identity holding ACTION_MANAGE_PERMISSIONS cannot be taken
away by any path; a caller cannot grant actions it lacks; an open WatchClusters ends when its
caller's access is revoked.

Organization beta's objects are made first by the same store with --auth off (as an earlier
deployment would have), so that the auth-on server bootstraps its admin in acme."""
import base64
import json
import os
import sqlite3
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from types import SimpleNamespace

import grpc
import pytest

import jwt_es256
import protogen
from clients import grpc_frame
from postgres_process import psql
from raw_h2 import RawH2Connection
from test_clusterpool import make_pool

S = grpc.StatusCode
POOLS_LIST = "/cloudidl.clusterpool.ClusterPoolService/List"


@pytest.fixture(scope="module")
def m(pb):  # pb generates every module of proto/ once per session
    g = lambda path: protogen.module(path, grpc=True)  # noqa: E731
    return SimpleNamespace(
        app=protogen.module("cloudidl/identity/app.proto"), role=protogen.module("cloudidl/identity/role.proto"),
        policy=protogen.module("cloudidl/identity/policy.proto"), user=protogen.module("cloudidl/identity/user.proto"),
        authz=protogen.module("cloudidl/authorizer/authorizer.proto"),
        common=protogen.module("cloudidl/common/common.proto"), ident=protogen.module("cloudidl/common/identity.proto"),
        authn=protogen.module("cloudidl/common/authorization.proto"), crole=protogen.module("cloudidl/common/role.proto"),
        cpolicy=protogen.module("cloudidl/common/policy.proto"), pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
        cluster=protogen.module("cloudidl/cluster/cluster.proto"), queue=protogen.module("cloudidl/queue/queue.proto"),
        apps=g("cloudidl/identity/app.proto").AppsServiceStub, roles=g("cloudidl/identity/role.proto").RoleServiceStub,
        policies=g("cloudidl/identity/policy.proto").PolicyServiceStub, users=g("cloudidl/identity/user.proto").UserServiceStub,
        assign=g("cloudidl/authorizer/authorizer.proto").AuthorizerServiceStub,
        pools=g("cloudidl/clusterpool/clusterpool.proto").ClusterPoolServiceStub,
        clusters=g("cloudidl/cluster/cluster.proto").ClusterServiceStub,
        queues=g("cloudidl/queue/queue.proto").QueueServiceStub)


def as_key(key):
    return [("authorization", f"Bearer {key}")]


def outcome(fn):
    """(grpc.StatusCode, message) of a grpcio call."""
    try:
        fn()
    except grpc.RpcError as e:
        return e.code(), e.details()
    return S.OK, ""


@pytest.fixture
def acme(start_server, database, tmp_path, m):
    """A server with --auth on over a store holding organization beta's pool, clusters and
    queue, made with --auth off first; its bootstrap admin is acme's. Signing keys are read
    again every second."""
    db = database("store.db")
    srv = start_server("--database", db, "--default-organization", "beta", "--auth", "off", test_service=False)
    with grpc.insecure_channel(srv.target) as ch:
        m.pools(ch).Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "beta-secret-pool")), timeout=10)
        for name in ("beta-secret-cluster", "beta-other-cluster"):
            m.clusters(ch).CreateCluster(m.cluster.CreateClusterRequest(
                cluster_id=m.common.ClusterIdentifier(name=name), cluster_pool_name="beta-secret-pool"), timeout=10)
        m.queues(ch).CreateQueue(m.queue.CreateQueueRequest(
            id=m.common.QueueIdentifier(name="beta-secret-queue"),
            spec=m.queue.QueueSpec(run_concurrency=1, action_concurrency=1, cluster_pool_name="beta-secret-pool"),
            state=m.queue.QUEUE_STATE_ACTIVE), timeout=10)
    assert srv.stop() == 0
    boot = tmp_path / "admin-key"
    args = ["--database", db, "--default-organization", "acme", "--bootstrap-credentials", str(boot), "--auth", "on",
            "--signing-key-refresh-interval", "1"]
    srv = start_server(*args)
    ch = grpc.insecure_channel(srv.target)
    grpc.channel_ready_future(ch).result(timeout=10)
    state = SimpleNamespace(srv=srv, ch=ch, admin=boot.read_text().strip(), db=db, args=args, database=database)
    state.call = lambda stub, method, request, key: getattr(stub(state.ch), method)(  # noqa: E731
        request, timeout=10, metadata=as_key(key) if key else None)
    yield state
    state.ch.close()


def api_key(client_id, secret, org="acme"):
    return base64.b64encode(f"127.0.0.1:{client_id}:{secret}:{org}".encode()).decode()


def make_app(acme, m, client_id, policy=None):
    """A new API key (no default policy; `policy` assigned when given): its FLYTE_API_KEY."""
    secret = acme.call(m.apps, "Create", m.app.CreateAppRequest(client_id=client_id, skip_default_policy_assignments=True),
                       acme.admin).app.client_secret
    if policy:
        assign(acme, m, client_id, policy)
    return api_key(client_id, secret)


def app_identity(m, client_id):
    return m.ident.Identity(application_id=m.ident.ApplicationIdentifier(subject=client_id))


def assign(acme, m, client_id, policy, key=None):
    acme.call(m.assign, "AssignIdentity", m.authz.AssignIdentityRequest(
        identity=app_identity(m, client_id), policy_id=m.common.PolicyIdentifier(name=policy)), key or acme.admin)


def token_for(port, key):
    """An access token from the server's token endpoint for the API key `key`."""
    _, client_id, secret, _ = base64.b64decode(key).decode().split(":")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/oauth2/token", data=b"grant_type=client_credentials", method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.loads(reply.read())["access_token"]


def signing_key(acme):
    """The server's current signing key as its store keeps it: (kid, private scalar)."""
    rows = acme.database.query("store.db", "SELECT id, private_key FROM signing_keys WHERE retired_at IS NULL")
    assert len(rows) == 1, rows
    return rows[0][0], jwt_es256.b64url_decode(rows[0][1])


def store_execute(acme, sql):
    """Runs a change on the store (SQLite file or PostgreSQL database) while the server runs."""
    if acme.database.backend == "sqlite":
        with sqlite3.connect(acme.db, timeout=10) as db:
            db.execute(sql)
    else:
        psql(acme.db, sql)


# ---- the four transports: (status name, message) of one unary call with `authorization` ----

def via_grpcio(acme, path, body, authorization):
    call = acme.ch.unary_unary(path, request_serializer=lambda b: b, response_deserializer=lambda b: b)
    code, message = outcome(lambda: call(body, timeout=10, metadata=[("authorization", authorization)] if authorization else None))
    return code.name, message


def via_connect(http2):
    def call(acme, path, body, authorization):
        auth = ["-H", f"authorization: {authorization}"] if authorization else []
        out = subprocess.run(["curl", "-s", "--http2-prior-knowledge" if http2 else "--http1.1", "--max-time", "10",
                              "-w", "\n%{http_code}", "-H", "content-type: application/proto", *auth, "--data-binary", "@-",
                              f"http://127.0.0.1:{acme.srv.port}{path}"],
                             input=body, capture_output=True, timeout=20, check=True).stdout
        text, status = out.rsplit(b"\n", 1)
        if int(status) == 200:
            return "OK", ""
        error = json.loads(text)
        # Connect's HTTP status for each refusal (the Connect protocol's table)
        assert int(status) == {"unauthenticated": 401, "permission_denied": 403}.get(error["code"], int(status)), (status, error)
        return error["code"].upper(), error.get("message", "")
    return call


def via_raw_h2(acme, path, body, authorization):
    with RawH2Connection(acme.srv.port) as conn:
        headers = conn.grpc_headers(path) + ([(b"authorization", authorization.encode())] if authorization else [])
        result = conn.wait_stream(conn.request(headers, grpc_frame(body)), 10)
    assert result.status == 200, result
    return next(c for c in S if c.value[0] == result.grpc_status).name, urllib.parse.unquote(
        (result.grpc_message or b"").decode())


TRANSPORTS = {"grpcio": via_grpcio, "connect-h1": via_connect(False), "connect-h2": via_connect(True), "raw-h2": via_raw_h2}


def every_transport(acme, path, body, authorization):
    return {name: call(acme, path, body, authorization) for name, call in TRANSPORTS.items()}


def test_every_refused_credential_is_unauthenticated_saying_which(acme, m, start_server, server_bin, database, tmp_path):
    ci = make_app(acme, m, "ci", policy="viewer")
    gone = make_app(acme, m, "gone", policy="viewer")
    token, gone_token = token_for(acme.srv.port, ci), token_for(acme.srv.port, gone)
    acme.call(m.apps, "Delete", m.app.DeleteAppRequest(client_id="gone"), acme.admin)
    kid, private = signing_key(acme)
    claims = jwt_es256.claims_of(token)
    now = int(time.time())
    header, payload, signature = token.split(".")
    flipped = signature[:20] + ("A" if signature[20] != "A" else "B") + signature[21:]
    # a second server (its own store and keys) with another public URL issues a token of its own
    other_boot = tmp_path / "other-key"
    other = start_server("--database", database("other.db"), "--auth", "on", "--default-organization", "acme",
                         "--public-url", "https://other.example", "--bootstrap-credentials", str(other_boot),
                         test_service=False)
    other_token = token_for(other.port, other_boot.read_text().strip())
    stranger = jwt_es256.sign(claims, kid, os.urandom(31) + b"\1")  # our kid, another key
    assert jwt_es256.claims_of(other_token)["iss"] == "https://other.example"

    cases = {  # name: (authorization, what the message must say, what it must not contain)
        "no credentials": (None, "no credentials", None),
        "not bearer": ("Basic " + base64.b64encode(b"ci:x").decode(), "is not 'Bearer <token>'", "Y2k6eA"),
        "malformed": ("Bearer not-a-token", "malformed token", "not-a-token"),
        "malformed jwt": ("Bearer " + header + ".e30", "malformed token", header),
        "bad signature": (f"Bearer {header}.{payload}.{flipped}", "bad signature", flipped),
        "another key, our kid": (f"Bearer {stranger}", "bad signature", None),
        "expired": (f"Bearer {jwt_es256.sign({**claims, 'iat': now - 7200, 'nbf': now - 7200, 'exp': now - 3600}, kid, private)}",
                    "token expired at", None),
        "another audience": (f"Bearer {jwt_es256.sign({**claims, 'aud': 'someone-else'}, kid, private)}",
                             "audience is not this server's", None),
        "another issuer": (f"Bearer {jwt_es256.sign({**claims, 'iss': 'https://other.example'}, kid, private)}",
                           "issuer https://other.example is not this server's", None),
        "another server's token": (f"Bearer {other_token}", "unknown key id", other_token.split(".")[2]),
        "deleted API key": (f"Bearer {gone}", "unknown client id or wrong secret for gone", gone),
        "token of a deleted API key": (f"Bearer {gone_token}", "the API key gone of this token was deleted", None),
        "wrong secret": (f"Bearer {api_key('ci', 'x' * 43)}", "unknown client id or wrong secret for ci", "x" * 43),
    }
    body = m.pool.ListRequest().SerializeToString()
    assert every_transport(acme, POOLS_LIST, body, f"Bearer {token}") == {t: ("OK", "") for t in TRANSPORTS}
    assert every_transport(acme, POOLS_LIST, body, f"Bearer {ci}") == {t: ("OK", "") for t in TRANSPORTS}
    for name, (authorization, says, secret_part) in cases.items():
        for transport, (code, message) in every_transport(acme, POOLS_LIST, body, authorization).items():
            assert code == "UNAUTHENTICATED" and says in message, (name, transport, code, message)
            credential = (authorization or "").split(" ", 1)[-1]
            assert not credential or credential not in message, (name, transport, message)
            assert secret_part is None or secret_part not in message, (name, transport, message)
    # nor does the server's log hold any credential, refused or accepted
    log = acme.srv.stderr_tail(10**7)
    for authorization, _, _ in cases.values():
        assert not authorization or authorization.split(" ", 1)[1] not in log, authorization
    assert token not in log and ci not in log and gone not in log
    # an expired token of our own making is refused the same on a method with no action (UserInfo)
    code, message = via_grpcio(acme, "/flyteidl2.auth.IdentityService/UserInfo", b"", cases["expired"][0])
    assert code == "UNAUTHENTICATED" and "token expired at" in message, message

    # a rotated-out key: `keys rotate` (the SQLite file must not be in use: the server is stopped
    # and started again); within its grace the old token still verifies, even cached
    assert acme.srv.stop() == 0
    rotate = subprocess.run([str(server_bin), "keys", "rotate", "--database", acme.db], capture_output=True, text=True,
                            timeout=60)
    assert rotate.returncode == 0, rotate.stderr
    acme.srv = start_server(*acme.args)
    acme.ch.close()
    acme.ch = grpc.insecure_channel(acme.srv.target)
    assert every_transport(acme, POOLS_LIST, body, f"Bearer {token}") == {t: ("OK", "") for t in TRANSPORTS}
    assert signing_key(acme)[0] != kid
    # past its grace (the store's retired_at moved back by two token lifetimes: what the store
    # holds two hours later): refused within a key refresh (1 s), though the token is unexpired
    # and was verified (cached) just before
    store_execute(acme, "UPDATE signing_keys SET retired_at = retired_at - 7200 WHERE retired_at IS NOT NULL")
    deadline = time.monotonic() + 20
    while via_grpcio(acme, POOLS_LIST, body, f"Bearer {token}")[0] == "OK":
        assert time.monotonic() < deadline, "the rotated-out key still verifies 20 s after its grace passed"
        time.sleep(0.1)
    for transport, (code, message) in every_transport(acme, POOLS_LIST, body, f"Bearer {token}").items():
        assert code == "UNAUTHENTICATED" and f"unknown key id {kid} (rotated out" in message, (transport, message)
        assert token not in message
    fresh = token_for(acme.srv.port, ci)
    assert via_grpcio(acme, POOLS_LIST, body, f"Bearer {fresh}") == ("OK", "")


BETA_NAMES = ("beta-secret", "beta-other")  # every name of beta's objects starts with one of these


def test_another_organization_is_denied_telling_nothing_of_its_objects(acme, m):
    ci = make_app(acme, m, "ci", policy="contributor")  # may read and write everything of acme
    c, q = m.common, m.queue
    pool = lambda name, org="beta": c.ClusterPoolIdentifier(organization=org, name=name)  # noqa: E731
    cluster = lambda name, org="beta": c.ClusterIdentifier(organization=org, name=name)  # noqa: E731
    queue = lambda name, org="beta": c.QueueIdentifier(organization=org, name=name)  # noqa: E731
    # each pair: the call on an existing object of beta, and on a name beta does not hold
    pairs = {
        "pool Get": [(m.pools, "Get", m.pool.GetRequest(id=pool(n))) for n in ("beta-secret-pool", "nope")],
        "pool Update": [(m.pools, "Update", m.pool.UpdateRequest(cluster_pool=make_pool(m, n, org="beta")))
                        for n in ("beta-secret-pool", "nope")],
        "pool Delete": [(m.pools, "Delete", m.pool.DeleteRequest(id=pool(n))) for n in ("beta-secret-pool", "nope")],
        "pool Create": [(m.pools, "Create", m.pool.CreateRequest(cluster_pool=make_pool(m, n, org="beta")))
                        for n in ("beta-secret-pool", "nope")],
        "cluster Get": [(m.clusters, "GetCluster", m.cluster.GetRequest(cluster_id=cluster(n)))
                        for n in ("beta-secret-cluster", "nope")],
        "cluster Delete": [(m.clusters, "DeleteCluster", m.cluster.DeleteRequest(cluster_id=cluster(n)))
                           for n in ("beta-secret-cluster", "nope")],
        "cluster Create": [(m.clusters, "CreateCluster", m.cluster.CreateClusterRequest(
            cluster_id=cluster(n), cluster_pool_name="beta-secret-pool")) for n in ("beta-secret-cluster", "nope")],
        "Heartbeat": [(m.clusters, "Heartbeat", m.cluster.HeartbeatRequest(cluster_id=cluster(n)))
                      for n in ("beta-secret-cluster", "nope")],
        "UpdateStatus": [(m.clusters, "UpdateStatus", m.cluster.UpdateStatusRequest(cluster_id=cluster(n)))
                         for n in ("beta-secret-cluster", "nope")],
        "queue Get": [(m.queues, "GetQueue", q.GetQueueRequest(id=queue(n))) for n in ("beta-secret-queue", "nope")],
        "queue Delete": [(m.queues, "DeleteQueue", q.DeleteQueueRequest(id=queue(n))) for n in ("beta-secret-queue", "nope")],
        "queue Create": [(m.queues, "CreateQueue", q.CreateQueueRequest(
            id=queue(n), spec=q.QueueSpec(run_concurrency=1, action_concurrency=1))) for n in ("beta-secret-queue", "nope")],
    }
    lists = {  # listing beta: nothing to compare with, the refusal alone
        "pool List": (m.pools, "List", m.pool.ListRequest(organization="beta")),
        "cluster List": (m.clusters, "ListClusters", m.cluster.ListRequest(organization="beta")),
        "cluster Count": (m.clusters, "Count", m.cluster.CountRequest(organization="beta")),
        "queue List": (m.queues, "ListQueues", q.ListQueuesRequest(organization="beta")),
        "app List": (m.apps, "List", m.app.ListAppsRequest(organization="beta")),
    }
    for name, ((stub, method, real), (_, _, missing)) in pairs.items():
        got = [outcome(lambda r=r: acme.call(stub, method, r, ci)) for r in (real, missing)]
        assert got[0] == got[1], (name, got)  # the same answer: existence is not told
        code, message = got[0]
        assert code == S.PERMISSION_DENIED and "organization beta" in message, (name, got)
        assert not any(n in message for n in BETA_NAMES), (name, message)
    for name, (stub, method, request) in lists.items():
        code, message = outcome(lambda: acme.call(stub, method, request, ci))
        assert code == S.PERMISSION_DENIED and "organization beta" in message, (name, code, message)
    # over every transport, the existing and the missing pool read the same
    for n in ("beta-secret-pool", "nope"):
        got = every_transport(acme, "/cloudidl.clusterpool.ClusterPoolService/Get",
                              m.pool.GetRequest(id=pool(n)).SerializeToString(), f"Bearer {ci}")
        assert {t: code for t, (code, _) in got.items()} == {t: "PERMISSION_DENIED" for t in TRANSPORTS}, got
        assert len({message for _, message in got.values()}) == 1 and "beta-secret" not in str(got), got
    # watching: a watch is of the caller's organization only; beta's clusters never show
    acme.call(m.pools, "Create", m.pool.CreateRequest(cluster_pool=make_pool(m, "acme-pool")), ci)
    stream = acme.ch.unary_stream("/cloudidl.cluster.ClusterService/WatchClusters",
                                  request_serializer=m.cluster.WatchClustersRequest.SerializeToString,
                                  response_deserializer=m.cluster.WatchClustersResponse.FromString)(
        m.cluster.WatchClustersRequest(), timeout=20, metadata=as_key(ci))
    first = next(stream)
    assert [s.id.name for s in first.clusters] == [], first
    acme.call(m.clusters, "CreateCluster", m.cluster.CreateClusterRequest(
        cluster_id=cluster("acme-cluster", org=""), cluster_pool_name="acme-pool"), ci)
    seen = next(stream)
    assert [(s.id.organization, s.id.name) for s in seen.clusters] == [("acme", "acme-cluster")], seen
    stream.cancel()
    # nothing of beta was changed by the refused writes
    rows = acme.database.query("store.db", "SELECT name FROM cluster_pools WHERE organization = 'beta' ORDER BY name")
    assert "beta-secret-pool" in [r[0] for r in rows] and "nope" not in [r[0] for r in rows], rows


def test_a_cluster_bound_key_reports_its_cluster_only(acme, m):
    admin = acme.admin
    c = m.common
    acme.call(m.pools, "Create", m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")), admin)
    for name in ("c1", "c2"):
        acme.call(m.clusters, "CreateCluster", m.cluster.CreateClusterRequest(
            cluster_id=c.ClusterIdentifier(name=name), cluster_pool_name="prod"), admin)
    acme.call(m.roles, "CreateRole", m.role.CreateRoleRequest(role=m.crole.Role(
        id=c.RoleIdentifier(name="reporter"), actions=[m.authn.Action.Value("ACTION_MANAGE_CLUSTER")])), admin)
    acme.call(m.policies, "CreatePolicy", m.policy.CreatePolicyRequest(policy=m.cpolicy.Policy(
        id=c.PolicyIdentifier(name="dp-c1"), bindings=[m.cpolicy.PolicyBinding(
            role_id=c.RoleIdentifier(name="reporter"),
            resource=m.authn.Resource(cluster=c.ClusterIdentifier(organization="acme", name="c1")))])), admin)
    dp = make_app(acme, m, "dp-c1", policy="dp-c1")
    dp_token = token_for(acme.srv.port, dp)
    for key in (dp, dp_token):
        assert outcome(lambda: acme.call(m.clusters, "Heartbeat", m.cluster.HeartbeatRequest(
            cluster_id=c.ClusterIdentifier(name="c1")), key)) == (S.OK, "")
        assert outcome(lambda: acme.call(m.clusters, "UpdateStatus", m.cluster.UpdateStatusRequest(
            cluster_id=c.ClusterIdentifier(name="c1"), status=m.cluster.Status()), key)) == (S.OK, "")
        for name in ("c2", "no-such-cluster"):  # another cluster, existing or not: the same refusal shape
            for method, request in (("Heartbeat", m.cluster.HeartbeatRequest(cluster_id=c.ClusterIdentifier(name=name))),
                                    ("UpdateStatus", m.cluster.UpdateStatusRequest(cluster_id=c.ClusterIdentifier(name=name)))):
                code, message = outcome(lambda: acme.call(m.clusters, method, request, key))
                assert code == S.PERMISSION_DENIED and f"lacks ACTION_MANAGE_CLUSTER on cluster {name}" in message, (method, message)
        # the same cluster name in another organization
        code, message = outcome(lambda: acme.call(m.clusters, "Heartbeat", m.cluster.HeartbeatRequest(
            cluster_id=c.ClusterIdentifier(organization="beta", name="c1")), key))
        assert code == S.PERMISSION_DENIED and "organization beta" in message, message
        # nothing else: reads, writes and identity calls, even on c1 itself
        others = [
            (m.clusters, "GetCluster", m.cluster.GetRequest(cluster_id=c.ClusterIdentifier(name="c1"))),
            (m.clusters, "ListClusters", m.cluster.ListRequest()),
            (m.clusters, "Count", m.cluster.CountRequest()),
            (m.clusters, "DeleteCluster", m.cluster.DeleteRequest(cluster_id=c.ClusterIdentifier(name="c1"))),
            (m.clusters, "CreateCluster", m.cluster.CreateClusterRequest(
                cluster_id=c.ClusterIdentifier(name="c3"), cluster_pool_name="prod")),
            (m.pools, "List", m.pool.ListRequest()),
            (m.pools, "Get", m.pool.GetRequest(id=c.ClusterPoolIdentifier(name="prod"))),
            (m.queues, "ListQueues", m.queue.ListQueuesRequest()),
            (m.apps, "List", m.app.ListAppsRequest()),
            (m.roles, "CreateRole", m.role.CreateRoleRequest(role=m.crole.Role(id=c.RoleIdentifier(name="mine")))),
        ]
        for stub, method, request in others:
            code, message = outcome(lambda: acme.call(stub, method, request, key))
            assert code == S.PERMISSION_DENIED and "app dp-c1 lacks ACTION_" in message, (method, code, message)
        stream = acme.ch.unary_stream("/cloudidl.cluster.ClusterService/WatchClusters",
                                      request_serializer=m.cluster.WatchClustersRequest.SerializeToString,
                                      response_deserializer=m.cluster.WatchClustersResponse.FromString)(
            m.cluster.WatchClustersRequest(), timeout=10, metadata=as_key(key))
        code, message = outcome(lambda: next(stream))
        assert code == S.PERMISSION_DENIED and "ACTION_VIEW_CLUSTER_CONFIG" in message, message


def role_msg(m, name, *actions):
    return m.crole.Role(id=m.common.RoleIdentifier(name=name), actions=[m.authn.Action.Value(a) for a in actions])


def org_binding(m, role):
    return m.cpolicy.PolicyBinding(role_id=m.common.RoleIdentifier(name=role),
                                   resource=m.authn.Resource(organization=m.authn.Organization(name="acme")))


def test_the_last_permission_manager_cannot_be_removed_by_any_path(acme, m):
    admin, c = acme.admin, m.common
    def locked(fn):
        code, message = outcome(fn)
        return code == S.FAILED_PRECONDITION and "no identity holding ACTION_MANAGE_PERMISSIONS" in message
    # the bootstrap admin alone holds it: neither unassigned nor deleted
    assert locked(lambda: acme.call(m.assign, "UnassignIdentity", m.authz.UnassignIdentityRequest(
        identity=app_identity(m, "bootstrap-admin"), policy_id=c.PolicyIdentifier(name="admin")), admin))
    assert locked(lambda: acme.call(m.apps, "Delete", m.app.DeleteAppRequest(client_id="bootstrap-admin"), admin))
    # hand it over to app ops through a custom role bound by a custom policy, then drop the admin's
    acme.call(m.roles, "CreateRole", m.role.CreateRoleRequest(role=role_msg(
        m, "keeper", "ACTION_MANAGE_PERMISSIONS", "ACTION_VIEW_IDENTITIES")), admin)
    acme.call(m.policies, "CreatePolicy", m.policy.CreatePolicyRequest(policy=m.cpolicy.Policy(
        id=c.PolicyIdentifier(name="keepers"), bindings=[org_binding(m, "keeper")])), admin)
    ops = make_app(acme, m, "ops", policy="keepers")
    acme.call(m.assign, "UnassignIdentity", m.authz.UnassignIdentityRequest(
        identity=app_identity(m, "bootstrap-admin"), policy_id=c.PolicyIdentifier(name="admin")), admin)
    # ops is now the last: every path that would take the action away is refused
    paths = {
        "unassign": lambda: acme.call(m.assign, "UnassignIdentity", m.authz.UnassignIdentityRequest(
            identity=app_identity(m, "ops"), policy_id=c.PolicyIdentifier(name="keepers")), ops),
        "delete the app": lambda: acme.call(m.apps, "Delete", m.app.DeleteAppRequest(client_id="ops"), ops),
        "remove the action from the role": lambda: acme.call(m.roles, "DeleteRoleAction", m.role.DeleteRoleActionRequest(
            id=c.RoleIdentifier(name="keeper"), action=m.authn.Action.Value("ACTION_MANAGE_PERMISSIONS")), ops),
        "update the role without it": lambda: acme.call(m.roles, "UpdateRole", m.role.UpdateRoleRequest(
            role=role_msg(m, "keeper", "ACTION_VIEW_IDENTITIES")), ops),
        "remove the binding": lambda: acme.call(m.policies, "DeletePolicyBinding", m.policy.DeletePolicyBindingRequest(
            id=c.PolicyIdentifier(name="keepers"), binding=org_binding(m, "keeper")), ops),
    }
    for name, path in paths.items():
        code, message = outcome(path)
        assert code == S.FAILED_PRECONDITION and "no identity holding ACTION_MANAGE_PERMISSIONS" in message, (name, message)
        assert "app:ops" in message, (name, message)
    # deleting the policy or the role is refused too (still assigned, still bound)
    for name, path in {
        "delete the policy": lambda: acme.call(m.policies, "DeletePolicy", m.policy.DeletePolicyRequest(
            id=c.PolicyIdentifier(name="keepers")), ops),
        "delete the role": lambda: acme.call(m.roles, "DeleteRole", m.role.DeleteRoleRequest(id=c.RoleIdentifier(name="keeper")), ops),
    }.items():
        code, message = outcome(path)
        assert code == S.FAILED_PRECONDITION, (name, code, message)
    # handing it to a user instead lets ops go (a user as the last holder: DeleteUser is refused
    # alike, AccessStoreTests; no user can call here without an OpenID Connect issuer)
    subject = acme.call(m.users, "CreateUser", m.user.CreateUserRequest(spec=m.ident.UserSpec(email="kim@acme.example")), ops).id.subject
    acme.call(m.assign, "AssignIdentity", m.authz.AssignIdentityRequest(
        identity=m.ident.Identity(user_id=m.ident.UserIdentifier(subject=subject)), policy_id=c.PolicyIdentifier(name="keepers")), ops)
    assert outcome(paths["unassign"]) == (S.OK, "")
    assert outcome(lambda: acme.call(m.apps, "Delete", m.app.DeleteAppRequest(client_id="ops"), ops))[0] == S.PERMISSION_DENIED


def test_no_caller_grants_actions_it_lacks(acme, m):
    admin, c = acme.admin, m.common
    A = lambda *names: [m.authn.Action.Value(n) for n in names]  # noqa: E731
    acme.call(m.roles, "CreateRole", m.role.CreateRoleRequest(role=role_msg(
        m, "keeper", "ACTION_MANAGE_PERMISSIONS", "ACTION_VIEW_IDENTITIES")), admin)
    acme.call(m.policies, "CreatePolicy", m.policy.CreatePolicyRequest(policy=m.cpolicy.Policy(
        id=c.PolicyIdentifier(name="keepers"), bindings=[org_binding(m, "keeper")])), admin)
    ops = make_app(acme, m, "ops", policy="keepers")  # manages permissions, nothing else
    make_app(acme, m, "other")

    def denied(fn, *actions):
        code, message = outcome(fn)
        assert code == S.PERMISSION_DENIED and "app ops lacks" in message, (code, message)
        for action in actions:
            assert action in message, (actions, message)
        return message

    # roles: creating or widening one beyond what ops holds
    denied(lambda: acme.call(m.roles, "CreateRole", m.role.CreateRoleRequest(role=role_msg(
        m, "big", "ACTION_VIEW_IDENTITIES", "ACTION_MANAGE_CLUSTER")), ops), "ACTION_MANAGE_CLUSTER")
    acme.call(m.roles, "CreateRole", m.role.CreateRoleRequest(role=role_msg(m, "small", "ACTION_VIEW_IDENTITIES")), ops)
    denied(lambda: acme.call(m.roles, "UpdateRole", m.role.UpdateRoleRequest(role=role_msg(
        m, "small", "ACTION_VIEW_IDENTITIES", "ACTION_MANAGE_QUEUE")), ops), "ACTION_MANAGE_QUEUE")
    denied(lambda: acme.call(m.roles, "CreateRoleAction", m.role.CreateRoleActionRequest(
        id=c.RoleIdentifier(name="small"), action=A("ACTION_ADMINISTER_ACCOUNT")[0]), ops), "ACTION_ADMINISTER_ACCOUNT")
    acme.call(m.roles, "CreateRoleAction", m.role.CreateRoleActionRequest(
        id=c.RoleIdentifier(name="small"), action=A("ACTION_MANAGE_PERMISSIONS")[0]), ops)  # held: allowed
    # policies: binding a role with actions ops lacks, on the organization or on one cluster
    denied(lambda: acme.call(m.policies, "CreatePolicy", m.policy.CreatePolicyRequest(policy=m.cpolicy.Policy(
        id=c.PolicyIdentifier(name="contrib"), bindings=[org_binding(m, "contributor")])), ops), "ACTION_MANAGE_CLUSTER")
    denied(lambda: acme.call(m.policies, "CreatePolicyBinding", m.policy.CreatePolicyBindingRequest(
        id=c.PolicyIdentifier(name="keepers"), binding=m.cpolicy.PolicyBinding(
            role_id=c.RoleIdentifier(name="viewer"),
            resource=m.authn.Resource(cluster=c.ClusterIdentifier(organization="acme", name="c1")))), ops),
        "ACTION_VIEW_CLUSTER_CONFIG")
    # assignments: admin or contributor to itself or to another app, directly or by policy
    for who in ("ops", "other"):
        denied(lambda: assign(acme, m, who, "admin", key=ops), "ACTION_MANAGE_CLUSTER", "ACTION_ADMINISTER_ACCOUNT")
        denied(lambda: acme.call(m.assign, "AssignIdentity", m.authz.AssignIdentityRequest(
            identity=app_identity(m, who), role_id=c.RoleIdentifier(name="contributor")), ops), "ACTION_MANAGE_CLUSTER")
    # an API key with the default policy (contributor) would be one too; without it, allowed
    denied(lambda: acme.call(m.apps, "Create", m.app.CreateAppRequest(client_id="sneaky"), ops), "ACTION_MANAGE_CLUSTER")
    acme.call(m.apps, "Create", m.app.CreateAppRequest(client_id="plain", skip_default_policy_assignments=True), ops)
    # what ops holds it may pass on
    assign(acme, m, "other", "keepers", key=ops)
    acme.call(m.policies, "CreatePolicy", m.policy.CreatePolicyRequest(policy=m.cpolicy.Policy(
        id=c.PolicyIdentifier(name="small-ones"), bindings=[org_binding(m, "small")])), ops)
    # nothing was written by the refusals
    assert "big" not in [r.id.name for r in acme.call(m.roles, "List", m.role.ListRolesRequest(), ops).roles]
    assert {p.id.name for p in acme.call(m.assign, "GetIdentityAssignments", m.authz.GetIdentityAssignmentRequest(
        identity=app_identity(m, "ops")), ops).identity_assignment.policies} == {"keepers"}
    # the admin holds every action: the rule never stops it
    acme.call(m.roles, "CreateRole", m.role.CreateRoleRequest(role=role_msg(
        m, "big", "ACTION_VIEW_IDENTITIES", "ACTION_MANAGE_CLUSTER")), admin)
    assign(acme, m, "other", "contributor", key=admin)


def watch(acme, m, key, timeout=30):
    return acme.ch.unary_stream("/cloudidl.cluster.ClusterService/WatchClusters",
                                request_serializer=m.cluster.WatchClustersRequest.SerializeToString,
                                response_deserializer=m.cluster.WatchClustersResponse.FromString)(
        m.cluster.WatchClustersRequest(), timeout=timeout, metadata=as_key(key))


def ends_with(stream, timeout=15):
    """(code, message) the stream ends with, reading on until then; fails after `timeout`."""
    result = {}

    def drain():
        try:
            for _ in stream:
                pass
            result["end"] = (S.OK, "")
        except grpc.RpcError as e:
            result["end"] = (e.code(), e.details())
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    reader.join(timeout)
    if reader.is_alive():
        stream.cancel()
        pytest.fail(f"the watch was still open {timeout} s after its caller's access was revoked")
    return result["end"]


def test_an_open_watch_ends_when_its_callers_access_is_revoked(acme, m):
    admin, c = acme.admin, m.common
    acme.call(m.pools, "Create", m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")), admin)
    viewer = make_app(acme, m, "viewer", policy="viewer")
    gone = make_app(acme, m, "gone", policy="viewer")
    stays = make_app(acme, m, "stays", policy="viewer")
    by_token = token_for(acme.srv.port, make_app(acme, m, "by-token", policy="viewer"))
    streams = {name: watch(acme, m, key) for name, key in
               (("viewer", viewer), ("gone", gone), ("stays", stays), ("by-token", by_token))}
    for stream in streams.values():
        assert list(next(stream).clusters) == []
    # the assignment goes: PERMISSION_DENIED naming the action
    acme.call(m.assign, "UnassignIdentity", m.authz.UnassignIdentityRequest(
        identity=app_identity(m, "viewer"), policy_id=c.PolicyIdentifier(name="viewer")), admin)
    code, message = ends_with(streams["viewer"])
    assert code == S.PERMISSION_DENIED and "app viewer lacks ACTION_VIEW_CLUSTER_CONFIG" in message, (code, message)
    # the key is deleted: UNAUTHENTICATED; so is a watch opened with a token of a deleted key
    acme.call(m.apps, "Delete", m.app.DeleteAppRequest(client_id="gone"), admin)
    code, message = ends_with(streams["gone"])
    assert code == S.UNAUTHENTICATED and "unknown client id or wrong secret for gone" in message, (code, message)
    acme.call(m.apps, "Delete", m.app.DeleteAppRequest(client_id="by-token"), admin)
    code, message = ends_with(streams["by-token"])
    assert code == S.UNAUTHENTICATED and "the API key by-token of this token was deleted" in message, (code, message)
    # a caller whose access is unchanged keeps watching through all that
    acme.call(m.clusters, "CreateCluster", m.cluster.CreateClusterRequest(
        cluster_id=c.ClusterIdentifier(name="c1"), cluster_pool_name="prod"), admin)
    assert [s.id.name for s in next(streams["stays"]).clusters] == ["c1"]
    streams["stays"].cancel()


def test_an_open_watch_ends_when_its_token_expires(acme, m):
    # a token of the server's own key, expiring (with the 60 s of clock skew) 6 s from now
    key = make_app(acme, m, "short", policy="viewer")
    kid, private = signing_key(acme)
    now = int(time.time())
    claims = {**jwt_es256.claims_of(token_for(acme.srv.port, key)), "iat": now - 3600, "nbf": now - 3600, "exp": now - 54}
    stream = watch(acme, m, jwt_es256.sign(claims, kid, private))
    assert list(next(stream).clusters) == []  # accepted at the start
    started = time.monotonic()
    code, message = ends_with(stream, timeout=30)
    assert code == S.UNAUTHENTICATED and "token expired at" in message, (code, message)
    assert time.monotonic() - started > 2, "ended long before its token expired"
