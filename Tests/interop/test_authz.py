"""Authorization (--auth on) over TLS with the dev certificate, through grpcio: the bootstrap
admin key (written at the first start to --bootstrap-credentials, mode 0600, the key never
logged) creates an API key, a role, a policy binding `viewer` on the organization and an
assignment; that key reads pools but is PERMISSION_DENIED (naming the action) on create; with
`contributor` it creates, recorded as the app; another organization is PERMISSION_DENIED
whether or not the pool exists; a key bound to one cluster heartbeats that cluster only; no
credentials is UNAUTHENTICATED; health needs none."""
import base64
import os
import stat
import subprocess
from types import SimpleNamespace

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

import protogen
from test_clusters import code_of
from test_clusterpool import make_pool, pid
from server_process import ServerProcess
from test_official_cli import dev_certs  # noqa: F401  (fixture)

S = grpc.StatusCode


@pytest.fixture(scope="module")
def m(pb):  # pb generates every module of proto/ once per session
    g = lambda path: protogen.module(path, grpc=True)  # noqa: E731
    return SimpleNamespace(
        app=protogen.module("cloudidl/identity/app.proto"), role=protogen.module("cloudidl/identity/role.proto"),
        policy=protogen.module("cloudidl/identity/policy.proto"), authz=protogen.module("cloudidl/authorizer/authorizer.proto"),
        common=protogen.module("cloudidl/common/common.proto"), ident=protogen.module("cloudidl/common/identity.proto"),
        authn=protogen.module("cloudidl/common/authorization.proto"), crole=protogen.module("cloudidl/common/role.proto"),
        cpolicy=protogen.module("cloudidl/common/policy.proto"), pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
        cluster=protogen.module("cloudidl/cluster/cluster.proto"), queue=protogen.module("cloudidl/queue/queue.proto"),
        user=protogen.module("cloudidl/identity/user.proto"),
        apps=g("cloudidl/identity/app.proto").AppsServiceStub, roles=g("cloudidl/identity/role.proto").RoleServiceStub,
        policies=g("cloudidl/identity/policy.proto").PolicyServiceStub,
        assign=g("cloudidl/authorizer/authorizer.proto").AuthorizerServiceStub,
        pools=g("cloudidl/clusterpool/clusterpool.proto").ClusterPoolServiceStub,
        clusters=g("cloudidl/cluster/cluster.proto").ClusterServiceStub, queues=g("cloudidl/queue/queue.proto").QueueServiceStub,
        users=g("cloudidl/identity/user.proto").UserServiceStub)


@pytest.fixture
def secured(start_server, dev_certs, tmp_path):  # noqa: F811
    boot = tmp_path / "boot" / "admin-key"
    boot.parent.mkdir()
    srv = start_server("--tls-cert", str(dev_certs.cert), "--tls-key", str(dev_certs.key), "--default-organization", "acme",
                       "--bootstrap-credentials", str(boot), "--auth", "on", test_service=False)
    creds = grpc.ssl_channel_credentials(root_certificates=dev_certs.ca.read_bytes())
    with grpc.secure_channel(f"localhost:{srv.port}", creds) as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        yield srv, channel, boot


def as_key(key):
    return [("authorization", f"Bearer {key}")]


def api_key(client_id, secret, org="acme"):
    return base64.b64encode(f"localhost:{client_id}:{secret}:{org}".encode()).decode()


def test_bootstrap_key_grants_and_denials(secured, m, dev_certs):  # noqa: F811
    srv, ch, boot = secured
    assert stat.S_IMODE(os.stat(boot).st_mode) == 0o600
    admin = boot.read_text().strip()
    assert base64.b64decode(admin).decode().split(":")[1] == "bootstrap-admin"
    assert str(boot) in srv.stderr_tail() and admin not in srv.stderr_tail()
    apps, roles, policies, assign = m.apps(ch), m.roles(ch), m.policies(ch), m.assign(ch)
    pools, clusters = m.pools(ch), m.clusters(ch)

    # no credentials: UNAUTHENTICATED everywhere but health
    code, message = code_of(lambda: pools.List(m.pool.ListRequest(), timeout=10))
    assert code == S.UNAUTHENTICATED and "authorization" in message.lower(), message
    assert health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=10).status == 1

    # the bootstrap admin makes a key, a role, a policy binding viewer on the organization, an assignment
    secret = apps.Create(m.app.CreateAppRequest(client_id="ci", client_name="ci", skip_default_policy_assignments=True),
                         timeout=10, metadata=as_key(admin)).app.client_secret
    ci = api_key("ci", secret)
    A = m.authn.Action
    roles.CreateRole(m.role.CreateRoleRequest(role=m.crole.Role(
        id=m.common.RoleIdentifier(name="heartbeats"), role_spec=m.crole.RoleSpec(description="data plane"),
        actions=[A.Value("ACTION_MANAGE_CLUSTER")])), timeout=10, metadata=as_key(admin))
    org = m.authn.Resource(organization=m.authn.Organization(name="acme"))
    policies.CreatePolicy(m.policy.CreatePolicyRequest(policy=m.cpolicy.Policy(
        id=m.common.PolicyIdentifier(name="ci-view"),
        bindings=[m.cpolicy.PolicyBinding(role_id=m.common.RoleIdentifier(name="viewer"), resource=org)])),
        timeout=10, metadata=as_key(admin))
    ci_identity = m.ident.Identity(application_id=m.ident.ApplicationIdentifier(subject="ci"))
    assign.AssignIdentity(m.authz.AssignIdentityRequest(identity=ci_identity, policy_id=m.common.PolicyIdentifier(name="ci-view")),
                          timeout=10, metadata=as_key(admin))

    # viewer: reads (pools and identities), is denied writes, the action and the resource named
    assert [p.id.name for p in pools.List(m.pool.ListRequest(), timeout=10, metadata=as_key(ci)).cluster_pools] == ["default"]
    code, message = code_of(lambda: pools.Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")), timeout=10,
                                                 metadata=as_key(ci)))
    assert code == S.PERMISSION_DENIED and "ACTION_MANAGE_CLUSTER" in message and "acme" in message, message
    assert {a.client_id for a in apps.List(m.app.ListAppsRequest(), timeout=10, metadata=as_key(ci)).apps} == {"bootstrap-admin", "ci"}
    code, message = code_of(lambda: apps.Create(m.app.CreateAppRequest(client_id="mine"), timeout=10, metadata=as_key(ci)))
    assert code == S.PERMISSION_DENIED and "ACTION_MANAGE_PERMISSIONS" in message, message

    # contributor: creates, recorded as the app
    assign.AssignIdentity(m.authz.AssignIdentityRequest(identity=ci_identity, policy_id=m.common.PolicyIdentifier(name="contributor")),
                          timeout=10, metadata=as_key(admin))
    pools.Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")), timeout=10, metadata=as_key(ci))
    got = pools.Get(m.pool.GetRequest(id=pid(m, "prod")), timeout=10, metadata=as_key(ci)).cluster_pool
    assert got.id.organization == "acme"
    assert got.authorship.created_by.WhichOneof("principal") == "application", got.authorship
    assert got.authorship.created_by.application.id.subject == "ci", got.authorship

    # another organization: PERMISSION_DENIED whether or not the pool exists there, nothing of it told
    denials = [code_of(lambda: pools.Get(m.pool.GetRequest(id=pid(m, name, org="beta")), timeout=10, metadata=as_key(ci)))
               for name in ("default", "nope")]
    assert denials[0] == denials[1] and denials[0][0] == S.PERMISSION_DENIED and "beta" in denials[0][1], denials
    assert code_of(lambda: pools.List(m.pool.ListRequest(organization="beta"), timeout=10, metadata=as_key(ci)))[0] == \
        S.PERMISSION_DENIED
    assert code_of(lambda: pools.Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "x", org="beta")), timeout=10,
                                        metadata=as_key(ci)))[0] == S.PERMISSION_DENIED

    # a key bound to one cluster heartbeats that cluster only
    for name in ("c1", "c2"):
        clusters.CreateCluster(m.cluster.CreateClusterRequest(cluster_id=m.common.ClusterIdentifier(name=name),
                                                              cluster_pool_name="prod"), timeout=10, metadata=as_key(ci))
    dp_secret = apps.Create(m.app.CreateAppRequest(client_id="dp-c1", skip_default_policy_assignments=True),
                            timeout=10, metadata=as_key(admin)).app.client_secret
    on_c1 = m.authn.Resource(cluster=m.common.ClusterIdentifier(organization="acme", name="c1"))
    policies.CreatePolicy(m.policy.CreatePolicyRequest(policy=m.cpolicy.Policy(
        id=m.common.PolicyIdentifier(name="dp-c1"),
        bindings=[m.cpolicy.PolicyBinding(role_id=m.common.RoleIdentifier(name="heartbeats"), resource=on_c1)])),
        timeout=10, metadata=as_key(admin))
    assign.AssignIdentity(m.authz.AssignIdentityRequest(
        identity=m.ident.Identity(application_id=m.ident.ApplicationIdentifier(subject="dp-c1")),
        policy_id=m.common.PolicyIdentifier(name="dp-c1")), timeout=10, metadata=as_key(admin))
    dp = api_key("dp-c1", dp_secret)
    beat = lambda name: code_of(lambda: clusters.Heartbeat(m.cluster.HeartbeatRequest(  # noqa: E731
        cluster_id=m.common.ClusterIdentifier(name=name)), timeout=10, metadata=as_key(dp)))
    assert beat("c1") == (S.OK, "")
    code, message = beat("c2")
    assert code == S.PERMISSION_DENIED and "cluster c2" in message, message
    code, message = code_of(lambda: clusters.DeleteCluster(m.cluster.DeleteRequest(
        cluster_id=m.common.ClusterIdentifier(name="c1")), timeout=10, metadata=as_key(dp)))
    assert code == S.PERMISSION_DENIED and "ACTION_MANAGE_CLUSTER" in message, message

    # Connect over HTTP/1.1 (curl): 401 without credentials, 403 for a lacking action, 200 when held
    def connect(method, body, key=None):
        auth = ["-H", f"authorization: Bearer {key}"] if key else []
        out = subprocess.run(["curl", "-s", "--http1.1", "--max-time", "10", "--cacert", str(dev_certs.ca), "-w", "\n%{http_code}",
                              "-H", "content-type: application/proto", *auth, "--data-binary", "@-",
                              f"https://localhost:{srv.port}/cloudidl.clusterpool.ClusterPoolService/{method}"],
                             input=body, capture_output=True, timeout=20, check=True).stdout
        text, code = out.rsplit(b"\n", 1)
        return int(code), text.decode(errors="replace")
    prod = m.pool.GetRequest(id=pid(m, "prod")).SerializeToString()
    assert connect("List", b"")[0] == 401
    code, text = connect("Delete", m.pool.DeleteRequest(id=pid(m, "prod")).SerializeToString(), dp)
    assert code == 403 and "permission_denied" in text and "ACTION_MANAGE_CLUSTER" in text, text
    assert connect("List", b"", dp)[0] == 403  # a cluster binding of ACTION_MANAGE_CLUSTER grants no reads
    code, text = connect("Get", prod, ci)
    assert code == 200 and "prod" in text, text

    # a wrong secret is no credential
    code, message = code_of(lambda: pools.List(m.pool.ListRequest(), timeout=10, metadata=as_key(api_key("ci", secret + "x"))))
    assert code == S.UNAUTHENTICATED, message


def test_auth_defaults_and_bootstrap_only_once(start_server, server_bin, dev_certs, database, tmp_path):  # noqa: F811
    boot = tmp_path / "admin-key"
    args = ["--tls-cert", str(dev_certs.cert), "--tls-key", str(dev_certs.key), "--database", database("boot.db"),
            "--bootstrap-credentials", str(boot)]
    # TLS without --auth: on (started directly: the fixture would add --auth off)
    srv = ServerProcess(server_bin, args, tmp_path / "default-on.log")
    try:
        assert base64.b64decode(boot.read_text()).decode().split(":")[1:4:2] == ["bootstrap-admin", "default"]
        assert "authentication is off" not in srv.stderr_tail()
    finally:
        assert srv.stop() == 0
    boot.unlink()
    srv = start_server(*args, "--auth", "on", test_service=False)  # not an empty store any more: no new key
    assert srv.stop() == 0
    assert not boot.exists() and "bootstrap credentials" not in srv.stderr_tail()
    # loopback without TLS: off by default, with a warning; explicit off warns too; no key either way
    srv = start_server("--database", database("boot-off.db"), "--bootstrap-credentials", str(boot), test_service=False)
    assert "authentication is off (loopback 127.0.0.1 without TLS" in srv.stderr_tail() and not boot.exists()
    srv = start_server(*args, "--auth", "off", test_service=False)
    assert "--auth off: every caller" in srv.stderr_tail() and not boot.exists()
    # a file it cannot create stops the start, before any app is made
    bad = ["--database", database("boot-bad.db"), "--auth", "on"]
    proc = subprocess.run([str(server_bin), "--host", "127.0.0.1", "--port", "0", *bad, "--bootstrap-credentials", str(tmp_path / "no-dir" / "key")],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1 and "cannot create --bootstrap-credentials" in proc.stderr, proc.stderr
    srv = start_server(*bad, "--bootstrap-credentials", str(boot), test_service=False)
    assert boot.exists() and "bootstrap credentials: an admin API key of organization default" in srv.stderr_tail()
