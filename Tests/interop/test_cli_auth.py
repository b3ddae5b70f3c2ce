"""Our `flyte` CLI's credentials against --auth on over TLS with the dev certificate: FLYTE_API_KEY
(its endpoint may hold a port: read from the right), --api-key, the config file's
`admin.authType: ClientSecret` (secret file or variable) and `ExternalCommand`; a viewer key
reads and is PERMISSION_DENIED creating; a token expiring in the middle of a command is renewed;
a deleted key is one clear error, not a loop; credentials are not sent over cleartext unless
--allow-insecure-credentials; no secret in any output, even -vv. Then every seed command of
test_cli.py's with an API key."""
import base64
import os
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest

from test_cli import FLYTE_BIN, REGISTRY, SEED_MANIFEST, flyte_bin, on_terminal  # noqa: F401  (fixture)
from test_official_cli import dev_certs  # noqa: F401  (fixture)


def key_of(endpoint: str, client_id: str, secret: str, org: str = "acme") -> str:
    return base64.b64encode(f"{endpoint}:{client_id}:{secret}:{org}".encode()).decode()


def secret_of(key: str) -> str:
    return base64.b64decode(key).decode().split(":")[-2]


class Auth:
    """A server with --auth on (TLS unless `tls=False`) and a runner of our CLI against it."""

    def __init__(self, srv, certs, home, boot, tls=True):
        self.srv, self.certs, self.home, self.tls = srv, certs, home, tls
        self.admin = boot.read_text().strip()  # endpoint 127.0.0.1 without a port (the official client's limit)
        # the same key naming the server with its port: our client reads the key from the right
        self.admin_here = key_of(f"localhost:{srv.port}", "bootstrap-admin", secret_of(self.admin))

    def env(self, key=None, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLYTE")}
        env.update(HOME=str(self.home), **extra)
        if self.tls:
            env["FLYTE_ADMIN_CACERTFILEPATH"] = str(self.certs.ca)
        if key:
            env["FLYTE_API_KEY"] = key
        return env

    def __call__(self, *args, key=None, ok=True, env=None, input=None):
        proc = subprocess.run([str(FLYTE_BIN), *args], cwd=self.home, env=env or self.env(key),
                              capture_output=True, text=True, timeout=60,
                              **({"input": input} if input is not None else {"stdin": subprocess.DEVNULL}))
        assert (proc.returncode == 0) == ok, f"flyte {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
        return proc

    def create_key(self, name):
        out = self("create", "api-key", "--name", name, key=self.admin_here).stdout
        key = out.split('FLYTE_API_KEY="', 1)[1].split('"', 1)[0]
        assert base64.b64decode(key).decode().startswith(f"localhost:{self.srv.port}:{name}:")
        return key


@pytest.fixture
def auth(request, flyte_bin, start_server, dev_certs, tmp_path):  # noqa: F811
    extra = getattr(request, "param", [])
    boot = tmp_path / "bootstrap-credentials"
    tls = "--no-tls" not in extra
    flags = ["--auth", "on", "--default-organization", "acme", "--bootstrap-credentials", str(boot),
             *[flag for flag in extra if flag != "--no-tls"]]
    if tls:
        flags += ["--tls-cert", str(dev_certs.cert), "--tls-key", str(dev_certs.key)]
    srv = start_server(*flags, test_service=False)
    home = tmp_path / "home"
    home.mkdir()
    (home / "prod-pool.yaml").write_text(SEED_MANIFEST)
    return Auth(srv, dev_certs, home, boot, tls=tls)


def test_api_key_from_the_environment_and_the_flag(auth):
    listed = auth("get", "cluster-pool", key=auth.admin_here).stdout  # the key's endpoint and organization
    assert listed.splitlines()[0] == "Cluster pools in organization acme", listed
    # the bootstrap key as written (no port) with --endpoint, which wins over the key's
    created = auth("--api-key", auth.admin, "--endpoint", f"localhost:{auth.srv.port}",
                   "create", "cluster-pool", "prod", "--file", "prod-pool.yaml")
    assert created.stdout == 'Created cluster pool "prod".\n'
    assert "prod" in auth("get", "cluster-pool", "prod", "--api-key", auth.admin_here).stdout

    refused = auth("--endpoint", f"localhost:{auth.srv.port}", "get", "cluster-pool", ok=False)
    assert refused.stderr.startswith("Error: UNAUTHENTICATED: "), refused.stderr
    assert "No credentials were sent: set FLYTE_API_KEY" in refused.stderr

    secret = secret_of(auth.admin)
    wrong = key_of(f"localhost:{auth.srv.port}", "bootstrap-admin", secret[:-2] + "xx")
    bad = auth("-vv", "get", "cluster-pool", key=wrong, ok=False)
    assert "refused client bootstrap-admin: HTTP 401: invalid_client" in bad.stderr, bad.stderr
    assert "credentials: client bootstrap-admin (FLYTE_API_KEY)" in bad.stderr
    assert secret[:-2] not in bad.stdout + bad.stderr
    malformed = auth("get", "cluster-pool", key="not-a-key!", ok=False)
    assert malformed.stderr.startswith("Error: FLYTE_API_KEY is not an API key: it is not base64"), malformed.stderr


def test_client_secret_and_external_command_configs(auth):
    ci = auth.create_key("ci")
    secret = secret_of(ci)
    (auth.home / "ci.secret").write_text(secret + "\n")
    base = (f"admin:\n  endpoint: dns:///localhost:{auth.srv.port}\n  insecure: false\n"
            f"  caCertFilePath: {auth.certs.ca}\n")
    configs = {
        "file": "  authType: ClientSecret\n  clientId: ci\n  clientSecretLocation: ci.secret\n",
        "variable": "  authType: ClientSecret\n  clientId: ci\n  clientSecretEnvVar: CI_SECRET\n",
        # the API key is also a static bearer token: what an ExternalCommand setup prints
        "command": f"  authType: ExternalCommand\n  command:\n    - sh\n    - -c\n    - echo {ci}\n",
    }
    for name, admin in configs.items():
        config = auth.home / f"{name}.yaml"
        config.write_text(base + admin)
        env = auth.env(CI_SECRET=secret)
        out = auth("--config", str(config), "-v", "get", "cluster-pool", env=env).stdout
        assert "default" in out, (name, out)
        failing = auth("--config", str(config), "-vv", "get", "cluster-pool", "nope", env=env, ok=False)
        assert "NOT_FOUND" in failing.stderr and secret not in failing.stdout + failing.stderr, failing.stderr
        assert "credentials: " in failing.stderr and ("client ci" in failing.stderr or "command sh" in failing.stderr)


@pytest.mark.parametrize("auth", [["--default-app-policy", "viewer"]], indirect=True, ids=["viewer-default"])
def test_a_viewer_key_reads_but_cannot_create(auth):
    reader = auth.create_key("reader")
    assert "default" in auth("get", "cluster-pool", key=reader).stdout
    refused = auth("create", "cluster-pool", "prod", "--file", "prod-pool.yaml", key=reader, ok=False)
    assert refused.stderr.startswith("Error: PERMISSION_DENIED: "), refused.stderr
    assert "lacks ACTION_MANAGE_CLUSTER" in refused.stderr


@pytest.mark.parametrize("auth", [["--token-lifetime", "2"]], indirect=True, ids=["lifetime-2s"])
def test_a_token_expiring_during_a_command_is_renewed(auth):
    """`create cluster-pool --edit` on a terminal: the server refuses the first manifest (a
    call with a token), the editor then takes 3 s (past the token's 2 s lifetime) over the
    second, whose Create goes with a renewed token."""
    editor = auth.home / "editor.py"
    editor.write_text(
        "import os, sys, time\n"
        f"count = {str(auth.home / 'count')!r}\n"
        "n = int(open(count).read()) + 1 if os.path.exists(count) else 1\n"
        "open(count, 'w').write(str(n))\n"
        f"text = open({str(auth.home / 'prod-pool.yaml')!r}).read()\n"
        "if n == 1:\n    text = text.replace('s3://', 'ftp://')\nelse:\n    time.sleep(3)\n"
        "open(sys.argv[-1], 'w').write(text)\n")
    env = auth.env(auth.admin_here, EDITOR=f"{sys.executable} {editor}")
    proc = on_terminal(SimpleNamespace(cwd=auth.home), ["create", "cluster-pool", "prod", "--edit"], b"r\n", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == 'Created cluster pool "prod".\n'
    assert (auth.home / "count").read_text() == "2"
    assert "prod" in auth("get", "cluster-pool", "prod", key=auth.admin_here).stdout


def test_a_deleted_key_is_one_clear_error(auth):
    ci = auth.create_key("ci")
    auth("get", "cluster-pool", key=ci)
    auth("delete", "api-key", "ci", "--yes", key=auth.admin_here)
    started = time.monotonic()
    refused = auth("get", "cluster-pool", key=ci, ok=False)
    assert time.monotonic() - started < 10
    first = refused.stderr.splitlines()[0]
    assert first.startswith("Error: UNAUTHENTICATED: the token endpoint https://localhost:"), refused.stderr
    assert "refused client ci: HTTP 401: invalid_client" in first and secret_of(ci) not in refused.stderr


@pytest.mark.parametrize("auth", [["--no-tls"]], indirect=True, ids=["cleartext"])
def test_credentials_go_over_cleartext_only_when_allowed(auth):
    key = key_of(f"localhost:{auth.srv.port}", "bootstrap-admin", secret_of(auth.admin))
    refused = auth("--insecure", "-v", "get", "cluster-pool", key=key, ok=False)
    assert refused.stderr.startswith("Error: UNAUTHENTICATED: "), refused.stderr
    assert "were not sent: the connection is cleartext" in refused.stderr
    assert "(not sent over cleartext)" in refused.stderr
    assert "default" in auth("--insecure", "--allow-insecure-credentials", "get", "cluster-pool", key=key).stdout


def test_seed_commands_with_an_api_key(auth):
    """test_cli.py's seed commands, verbatim, with FLYTE_API_KEY only."""
    key = auth.admin_here
    assert auth("create", "cluster-pool", "prod", "--file", "prod-pool.yaml", key=key).stdout == \
        'Created cluster pool "prod".\n'
    rows = {line.split()[0]: line.split() for line in auth("get", "cluster-pool", key=key).stdout.splitlines()[2:]}
    assert rows["prod"] == ["prod", "-", "s3://my-prod-bucket/prefix", "AWS_SECRETS_MANAGER", "(us-east-1)", REGISTRY]
    detail = auth("get", "cluster-pool", "prod", key=key).stdout
    assert detail.splitlines()[0] == "Cluster pool prod in organization acme", detail
    auth("create", "cluster", "prod-us-east-1", "--pool", "prod", key=key)
    assert "prod-us-east-1" in auth("get", "cluster-pool", "prod", key=key).stdout
    refused = auth("delete", "cluster-pool", "prod", "--yes", key=key, ok=False)
    assert "FAILED_PRECONDITION" in refused.stderr and "prod-us-east-1" in refused.stderr
    auth("delete", "cluster", "prod-us-east-1", "--yes", key=key)
    assert auth("delete", "cluster-pool", "prod", "--yes", key=key).stdout == 'Deleted cluster pool "prod".\n'
    assert "prod" not in auth("get", "cluster-pool", key=key).stdout
