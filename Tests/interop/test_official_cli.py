"""The official `flyte` CLI and SDK (flyte==2.12.1 + flyteplugins-union==0.19.1, from PyPI via
requirements-official.txt) against our server, unchanged: every CLI command and every Python
snippet of the seed, over TLS with the tools/dev-cert certificate (HTTP/2 by ALPN) and with
`admin.insecure: true` (cleartext HTTP/1.1).

What the official client does (read from its code, confirmed on the wire):
- Protocol: Connect unary (connectrpc 0.10.1 over pyqwest, a reqwest/rustls client): POST
  /cloudidl.clusterpool.ClusterPoolService/{Create,Get,List,Update,Delete,Undelete} and
  /cloudidl.cluster.ClusterService/{CreateCluster,GetCluster,...}; `content-type:
  application/proto`, `connect-protocol-version: 1`, `content-encoding: gzip` (every body
  gzipped, even an empty one), `accept-encoding: gzip,identity`, `accept: */*`,
  `user-agent: connectrpc/0.10.1`, `x-request-id: <uuid4>`; no `connect-timeout-ms`. Errors are
  read from the JSON body (`code`, `message`); UNAVAILABLE and INTERNAL are retried 3 times.
- Transport: `admin.endpoint: dns:///HOST:PORT` becomes https://HOST:PORT: TLS, HTTP/2 when
  the server picks `h2` by ALPN; trust is `admin.caCertFilePath` alone (rustls: a CA
  certificate used as a server's is rejected, hence tools/dev-cert's CA:FALSE leaf). With
  `admin.insecure: true` it is http://HOST:PORT in cleartext HTTP/1.1 (no h2c).
- Organization: `task.org` of the config, else the first label of the endpoint's host when
  it has more than two dot-separated parts: 127.0.0.1 sends "127"; localhost sends none (the
  server's --default-organization applies).
- Auth (`admin.authType: ExternalCommand`, `admin.command`): the first call goes without
  Authorization unless a token is cached in the keyring; only an UNAUTHENTICATED (or UNKNOWN)
  answer runs the command and retries with `authorization: Bearer <its stdout>`. With
  `insecure: true` no auth at all. No call happens at startup (no AuthMetadataService,
  identity or project/domain call for these commands), so the server needs only the two
  services above.
- Telemetry: Sentry on CLI errors unless DO_NOT_TRACK=1 (set here).
"""
import http.client
import json
import os
import re
import ssl
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import grpc
import pytest

import protogen
ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# The official packages live in a venv of their own (their pins disagree with ours).
OFFICIAL_VENV = Path(os.environ.get("OFFICIAL_VENV", ROOT / ".venv-official"))
if not OFFICIAL_VENV.is_absolute():
    OFFICIAL_VENV = ROOT / OFFICIAL_VENV
OFFICIAL_FLYTE = OFFICIAL_VENV / "bin/flyte"
OFFICIAL_PYTHON = OFFICIAL_VENV / "bin/python"

PROD_POOL_YAML = """\
name: prod
config:
  object_store_ref:
    uri: s3://my-prod-bucket/prefix
    endpoint: ""
  secret_store:
    type: AWS_SECRETS_MANAGER
    locator: us-east-1
  image_registry:
    locator: 123456789012.dkr.ecr.us-east-1.amazonaws.com/union
"""
REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/union"


@pytest.fixture(scope="session")
def official_cli():
    if not OFFICIAL_FLYTE.exists():
        pytest.fail(f"{OFFICIAL_FLYTE} is missing: make the venv {OFFICIAL_VENV} from "
                    f"Tests/interop/requirements-official.txt (tools/test does) or set OFFICIAL_VENV",
                    pytrace=False)
    return OFFICIAL_FLYTE


@pytest.fixture(scope="session")
def dev_certs(tmp_path_factory):
    """tools/dev-cert's CA and server certificate, made once per session."""
    d = tmp_path_factory.mktemp("dev-certs")
    res = subprocess.run([str(ROOT / "tools/dev-cert"), str(d)], capture_output=True, text=True,
                         timeout=60, stdin=subprocess.DEVNULL)
    assert res.returncode == 0, res.stderr
    assert f"--tls-cert {d}/server.pem --tls-key {d}/server.key" in res.stdout
    assert f"caCertFilePath: {d}/ca.pem" in res.stdout
    return SimpleNamespace(ca=d / "ca.pem", cert=d / "server.pem", key=d / "server.key")


def test_dev_cert_makes_a_ca_and_a_server_leaf(tmp_path):
    """tools/dev-cert: a CA, and a leaf for localhost/127.0.0.1 that is no CA and serves TLS
    only; a second run keeps the CA (clients keep trusting it) and renews the leaf."""
    def run():
        res = subprocess.run([str(ROOT / "tools/dev-cert"), str(tmp_path)], capture_output=True,
                             text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert res.returncode == 0, res.stderr
        return (tmp_path / "ca.pem").read_bytes(), (tmp_path / "server.pem").read_bytes()

    def text(pem: str) -> str:
        return subprocess.run(["openssl", "x509", "-noout", "-text", "-in", pem], cwd=tmp_path,
                              capture_output=True, text=True, check=True).stdout

    ca, leaf = run()
    ca_text, leaf_text = " ".join(text("ca.pem").split()), " ".join(text("server.pem").split())
    assert "X509v3 Basic Constraints: critical CA:TRUE" in ca_text
    assert "X509v3 Basic Constraints: critical CA:FALSE" in leaf_text
    assert "X509v3 Key Usage: critical Digital Signature" in leaf_text
    assert "X509v3 Extended Key Usage: TLS Web Server Authentication" in leaf_text
    assert "DNS:localhost, IP Address:127.0.0.1" in leaf_text
    assert oct((tmp_path / "server.key").stat().st_mode & 0o777) == "0o600"
    verify = subprocess.run(["openssl", "verify", "-CAfile", "ca.pem", "-purpose", "sslserver",
                             "server.pem"], cwd=tmp_path, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    ca_again, leaf_again = run()
    assert ca_again == ca and leaf_again != leaf


@pytest.fixture(scope="session")
def cpb(pb):  # pb generates every module of proto/ once per session
    return SimpleNamespace(
        pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
        common=protogen.module("cloudidl/common/common.proto"),
        pool_grpc=protogen.module("cloudidl/clusterpool/clusterpool.proto", grpc=True))


class Official:
    """One server and a flyte config pointing at it, plus runners for the official CLI/SDK.

    With `api_key` (the tls-auth variant: a server with --auth on) every command and snippet runs
    with FLYTE_API_KEY set to it, and the grpcio checks send it as their bearer token."""

    def __init__(self, server, transport, certs, home: Path, host="127.0.0.1", api_key: str | None = None):
        self.server, self.transport, self.certs, self.home = server, transport, certs, home
        self.host, self.api_key = host, api_key
        self.config = home / "config.yaml"
        admin = [f"  endpoint: dns:///{host}:{server.port}"]
        if transport == "tls":
            admin += ["  insecure: false", f"  caCertFilePath: {certs.ca}"]
        else:
            admin += ["  insecure: true"]
        # No browser: a token from a command (sent only if the server asked for one).
        admin += ["  authType: ExternalCommand", "  command:", "    - echo", "    - cli-token-never-needed"]
        self.config.write_text("admin:\n" + "\n".join(admin) + "\n")
        self.keyring = home / "keyring.json"

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FLYTE", "_U_"))}
        env.update(HOME=str(self.home), DO_NOT_TRACK="1", COLUMNS="240", NO_COLOR="1",
                   PYTHONPATH=str(HERE), PYTHON_KEYRING_BACKEND="official_keyring.FileKeyring",
                   OFFICIAL_KEYRING_FILE=str(self.keyring), PYTHONUNBUFFERED="1")
        if self.api_key:
            # the official client's token request (httpx) trusts SSL_CERT_FILE, not admin.caCertFilePath
            env.update(FLYTE_API_KEY=self.api_key, SSL_CERT_FILE=str(self.certs.ca))
        return env

    def flyte(self, *args: str, answer: str | None = None, editor: str | None = None
              ) -> subprocess.CompletedProcess:
        """Runs the official CLI; `answer` is typed at its prompt, `editor` is its $EDITOR."""
        env = self.env()
        if editor is not None:
            env.update(EDITOR=editor, VISUAL=editor)
        stdin = {"input": answer} if answer is not None else {"stdin": subprocess.DEVNULL}
        # The official client splits FLYTE_API_KEY on its first three colons: the key's endpoint
        # has no port, and --endpoint (which wins over it) names the server's.
        endpoint = ["--endpoint", f"dns:///{self.host}:{self.server.port}"] if self.api_key else []
        return subprocess.run([str(OFFICIAL_FLYTE), "--config", str(self.config), *endpoint, *args],
                              cwd=self.home, env=env, capture_output=True, text=True, timeout=120,
                              **stdin)

    def python(self, body: str) -> subprocess.CompletedProcess:
        """Runs a seed snippet after `flyte.init_from_config(config)`, as a user's script would;
        with FLYTE_API_KEY, after the init the official CLI makes of it with --endpoint
        (`flyte.init_from_api_key()` would dial the key's endpoint, which cannot hold a port)."""
        script = self.home / "snippet.py"
        init = f"flyte.init_from_config({str(self.config)!r})\n"
        if self.api_key:
            init = ("import os\nfrom flyte.remote._client.auth._auth_utils import decode_api_key\n"
                    "_, client_id, secret, org = decode_api_key(os.environ['FLYTE_API_KEY'])\n"
                    f"flyte.init(endpoint='dns:///{self.host}:{self.server.port}', org=org, client_id=client_id,\n"
                    f"           client_credentials_secret=secret, auth_type='ClientSecret',\n"
                    f"           ca_cert_file_path={str(self.certs.ca)!r})\n")
        # The script ends with os._exit: pyqwest 0.12 on CPython 3.11 aborts at interpreter
        # exit in about 4 runs of 10 (a tokio worker thread takes the GIL during finalization;
        # the same against Python's own http.server), after the snippet has done its work.
        script.write_text("import flyte\n" + init
                          + textwrap.dedent(body)
                          + "\nimport os, sys\nsys.stdout.flush()\nsys.stderr.flush()\nos._exit(0)\n")
        return subprocess.run([str(OFFICIAL_PYTHON), str(script)], cwd=self.home, env=self.env(),
                              capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)

    def grpc_channel(self):
        target = self.server.target
        if self.transport == "tls":
            creds = grpc.ssl_channel_credentials(root_certificates=self.certs.ca.read_bytes())
            if self.api_key:  # an API key is also a static bearer token
                creds = grpc.composite_channel_credentials(creds, grpc.access_token_call_credentials(self.api_key))
            return grpc.secure_channel(f"localhost:{self.server.port}", creds)
        return grpc.insecure_channel(target)


def cache_token(path: Path, endpoint_host_port: str, token: str) -> None:
    """Stores `token` as flyte's cached login for `endpoint_host_port` in official_keyring's file
    (what KeyringStore.store writes: service = endpoint without scheme, user "tokens")."""
    tokens = json.dumps({"access_token": token, "refresh_token": None})
    path.write_text(json.dumps({endpoint_host_port: {"tokens": tokens}}))


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # the CLI's console forces a terminal: styles stay


def table_rows(output: str) -> list[list[str]]:
    """The cells of each row of a rich table (header first)."""
    return [[cell.strip() for cell in line.split("│")[1:-1]]
            for line in output.splitlines() if line.startswith("│")]


def ok(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return ANSI.sub("", proc.stdout)


def failed(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode != 0, f"unexpected success\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return " ".join(ANSI.sub("", proc.stdout + proc.stderr).split())  # rich wraps: compare words


DEFAULT_POOL_FLAGS = ["--default-object-store-uri", "s3://acme-default/data",
                      "--default-secret-store-type", "KUBERNETES"]


def server_flags(transport, certs, database, *extra):
    flags = ["--database", database("pools.db"), *DEFAULT_POOL_FLAGS, *extra]
    if transport == "tls":
        flags += ["--tls-cert", str(certs.cert), "--tls-key", str(certs.key)]
    return flags


@pytest.fixture(params=["tls", "insecure", "tls-auth"], ids=["tls-h2", "cleartext-http1", "tls-auth-api-key"])
def official(request, official_cli, dev_certs, start_server, database, tmp_path):
    """The seed's commands and snippets over TLS, over cleartext, and over TLS with --auth on
    and the bootstrap admin's FLYTE_API_KEY (organization 127, what the endpoint gives the
    others)."""
    auth = request.param == "tls-auth"
    boot = tmp_path / "bootstrap-credentials"
    extra = ["--auth", "on", "--default-organization", "127", "--bootstrap-credentials", str(boot)] if auth else []
    srv = start_server(*server_flags("tls" if auth else request.param, dev_certs, database, *extra), test_service=False)
    home = tmp_path / "home"
    home.mkdir()
    return Official(srv, "tls" if auth else request.param, dev_certs, home,
                    api_key=boot.read_text().strip() if auth else None)


def pools_of(official: Official, cpb, org: str) -> dict:
    """Pools of `org` as our server stores them, read through grpcio on the same port."""
    with official.grpc_channel() as ch:
        stub = cpb.pool_grpc.ClusterPoolServiceStub(ch)
        resp = stub.List(cpb.pool.ListRequest(organization=org), timeout=10)
    return {p.id.name: sorted(c.name for c in p.member_clusters) for p in resp.cluster_pools}


def test_seed_cli_commands(official, cpb):
    (official.home / "prod-pool.yaml").write_text(PROD_POOL_YAML)

    out = ok(official.flyte("create", "cluster-pool", "prod", "--file", "prod-pool.yaml"))
    assert "Successfully created cluster pool: prod" in out

    pools = table_rows(ok(official.flyte("get", "cluster-pool")))
    assert pools == [["Name", "Clusters", "Object store", "Secret store", "Image registry"],
                     ["default", "—", "s3://acme-default/data", "KUBERNETES", "—"],
                     ["prod", "—", "s3://my-prod-bucket/prefix", "AWS_SECRETS_MANAGER", REGISTRY]]

    detail = " ".join(ok(official.flyte("get", "cluster-pool", "prod")).split())
    for expected in ("name prod", "organization 127", "object store s3://my-prod-bucket/prefix",
                     "secret store AWS_SECRETS_MANAGER", "secret store locator us-east-1",
                     f"image registry {REGISTRY}", "clusters —"):
        assert expected in detail, detail

    out = ok(official.flyte("create", "cluster", "prod-us-east-1", "--pool", "prod"))
    assert "Successfully created cluster: prod-us-east-1" in out
    detail = " ".join(ok(official.flyte("get", "cluster-pool", "prod")).split())
    assert "clusters prod-us-east-1" in detail, detail
    # Organization 127 has its default queue from first use, and the cluster its implicit one.
    queues = {cells[0]: cells for cells in table_rows(ok(official.flyte("get", "queue")))[1:]}
    assert set(queues) == {"default", "prod-us-east-1"}, queues
    assert queues["default"][10] == "default" and queues["prod-us-east-1"][10] == "prod", queues

    refused = failed(official.flyte("delete", "cluster-pool", "prod", "--yes"))
    assert "Unable to delete cluster pool" in refused and "prod-us-east-1" in refused, refused
    refused = failed(official.flyte("delete", "cluster-pool", "default", "--yes"))
    assert "Unable to delete cluster pool" in refused and "default" in refused, refused

    # The CLI's organization is "127" (from the endpoint's host): the pools are there, the
    # server's default organization has only its own `default`.
    assert pools_of(official, cpb, "127") == {"default": [], "prod": ["prod-us-east-1"]}
    if not official.api_key:  # under auth an empty organization is the caller's (127)
        assert pools_of(official, cpb, "") == {"default": []}


SEED_INSPECT = """
    from flyteplugins.union.remote import ClusterPool

    for pool in ClusterPool.listall(limit=100):
        print(pool.name, pool.member_clusters, pool.object_store_uri, pool.secret_store_type)

    pool = ClusterPool.get("prod")
    print(pool.name)
    print(pool.member_clusters)
    print(pool.object_store_uri)
    print(pool.secret_store_type)
    print(pool.image_registry)
"""


def test_seed_python_snippets(official, cpb):
    ok(official.python("""
        from flyteplugins.union.remote import ClusterPool

        ClusterPool.create(
            "prod",
            object_store_uri="s3://my-prod-bucket/prefix",
            secret_store_type="AWS_SECRETS_MANAGER",
            secret_store_locator="us-east-1",
            image_registry="123456789012.dkr.ecr.us-east-1.amazonaws.com/union",
        )
    """))
    assert ok(official.python(SEED_INSPECT)).splitlines() == [
        "default [] s3://acme-default/data KUBERNETES",
        "prod [] s3://my-prod-bucket/prefix AWS_SECRETS_MANAGER",
        "prod", "[]", "s3://my-prod-bucket/prefix", "AWS_SECRETS_MANAGER", REGISTRY]

    ok(official.python("""
        from flyteplugins.union.remote import Cluster

        Cluster.create("prod-us-east-1", cluster_pool_name="prod")
    """))
    assert ok(official.python(SEED_INSPECT)).splitlines() == [
        "default [] s3://acme-default/data KUBERNETES",
        "prod ['prod-us-east-1'] s3://my-prod-bucket/prefix AWS_SECRETS_MANAGER",
        "prod", "['prod-us-east-1']", "s3://my-prod-bucket/prefix", "AWS_SECRETS_MANAGER", REGISTRY]

    # ClusterPool.delete("prod") is refused while the cluster is a member, and works once the
    # cluster (and its implicit queue with it) is deleted.
    refused = official.python("""
        from connectrpc.errors import ConnectError
        from flyteplugins.union.remote import ClusterPool

        try:
            ClusterPool.delete("prod")
        except ConnectError as e:
            print(e.code.name, e.message)
    """)
    code, _, message = ok(refused).strip().partition(" ")
    assert code == "FAILED_PRECONDITION" and "prod-us-east-1" in message, refused.stdout
    assert ok(official.python("""
        from flyteplugins.union.remote import Cluster, ClusterPool

        print(Cluster.delete("prod-us-east-1").drain_state)
        ClusterPool.delete("prod")
        print([pool.name for pool in ClusterPool.listall(limit=100)])
        print([pool.name for pool in ClusterPool.listall(limit=100, deleted=True)])
    """)) == "deleted\n['default']\n['prod']\n"
    assert pools_of(official, cpb, "127") == {"default": []}


def test_localhost_endpoint_uses_the_default_organization(official_cli, dev_certs, start_server, database,
                                                          tmp_path, cpb):
    """`localhost` yields no organization: requests carry an empty one, so the server's
    --default-organization owns what the CLI creates."""
    srv = start_server(*server_flags("tls", dev_certs, database, "--default-organization", "acme"),
                       test_service=False)
    home = tmp_path / "home"
    home.mkdir()
    official = Official(srv, "tls", dev_certs, home, host="localhost")
    (home / "prod-pool.yaml").write_text(PROD_POOL_YAML)
    ok(official.flyte("create", "cluster-pool", "prod", "--file", "prod-pool.yaml"))
    detail = " ".join(ok(official.flyte("get", "cluster-pool", "prod")).split())
    assert "organization acme" in detail, detail
    assert pools_of(official, cpb, "acme") == {"default": [], "prod": []}


def test_bearer_token_accepted_and_never_logged(official_cli, dev_certs, start_server, database, tmp_path, cpb):
    """A cached login makes the official CLI send `authorization: Bearer ...` on every call;
    the server accepts and ignores it, and prints it on no log line even at trace level."""
    token = "tok-9f3c1e-never-in-logs"
    srv = start_server(*server_flags("tls", dev_certs, database, "--log-level", "trace"),
                       test_service=False)
    home = tmp_path / "home"
    home.mkdir()
    official = Official(srv, "tls", dev_certs, home)
    cache_token(official.keyring, f"127.0.0.1:{srv.port}", token)
    (home / "prod-pool.yaml").write_text(PROD_POOL_YAML)
    ok(official.flyte("create", "cluster-pool", "prod", "--file", "prod-pool.yaml"))
    assert "prod" in ok(official.flyte("get", "cluster-pool"))
    failed(official.flyte("delete", "cluster-pool", "default", "--yes"))

    with official.grpc_channel() as ch:  # and a gRPC client with the same header
        stub = cpb.pool_grpc.ClusterPoolServiceStub(ch)
        stub.Get(cpb.pool.GetRequest(id=cpb.common.ClusterPoolIdentifier(organization="127", name="prod")),
                 metadata=[("authorization", f"Bearer {token}-grpc")], timeout=10)
    # and a Connect unary call over HTTP/1.1 (TLS, ALPN http/1.1) with the same header
    ctx = ssl.create_default_context(cafile=str(dev_certs.ca))
    ctx.set_alpn_protocols(["http/1.1"])
    conn = http.client.HTTPSConnection("localhost", srv.port, context=ctx, timeout=10)
    get = cpb.pool.GetRequest(id=cpb.common.ClusterPoolIdentifier(organization="127", name="prod"))
    conn.request("POST", "/cloudidl.clusterpool.ClusterPoolService/Get", body=get.SerializeToString(),
                 headers={"content-type": "application/proto", "connect-protocol-version": "1",
                          "authorization": f"Bearer {token}-http1"})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    assert resp.status == 200, (resp.status, body)
    assert cpb.pool.GetResponse.FromString(body).cluster_pool.id.name == "prod"

    srv.stop()
    log = srv.log_path.read_text(errors="replace")
    assert token not in log
    # Each call was logged at trace level with its metadata, the credential redacted.
    calls = [line for line in log.splitlines() if " trace " in line and line.endswith(" call")]
    for wire in ("connectUnary over HTTP/2", "grpc over HTTP/2", "connectUnary over HTTP/1.1"):
        assert any(wire in line and "authorization: <redacted>" in line for line in calls), (wire, log)


def test_seed_create_with_edit_and_delete_with_confirmation(official, cpb):
    """`flyte create cluster-pool prod --edit` (a scripted $EDITOR writes the seed's manifest
    over the template) and `flyte delete cluster-pool prod` answered at its prompt."""
    (official.home / "prod-pool.yaml").write_text(PROD_POOL_YAML)
    editor = official.home / "editor.py"
    editor.write_text("import shutil, sys\n"
                      "assert 'name: prod' in open(sys.argv[-1]).read()  # the CLI's template\n"
                      f"shutil.copy({str(official.home / 'prod-pool.yaml')!r}, sys.argv[-1])\n")
    out = ok(official.flyte("create", "cluster-pool", "prod", "--edit",
                            editor=f"{sys.executable} {editor}"))
    assert "Successfully created cluster pool: prod" in out
    assert pools_of(official, cpb, "127") == {"default": [], "prod": []}

    kept = failed(official.flyte("delete", "cluster-pool", "prod", answer="n\n"))
    # (the prompt names org 'None': the CLI derives the organization only after asking)
    assert "Are you sure you want to delete cluster pool 'prod'" in kept and "Aborted" in kept, kept
    assert pools_of(official, cpb, "127") == {"default": [], "prod": []}
    out = ok(official.flyte("delete", "cluster-pool", "prod", answer="y\n"))
    assert "Successfully deleted cluster pool: prod" in out
    assert pools_of(official, cpb, "127") == {"default": []}
