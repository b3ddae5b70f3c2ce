"""The official `flyte` CLI's identity commands (flyte==2.12.1 + flyteplugins-union==0.19.1 from the
official venv) against our identity services, unchanged, over Connect on cleartext HTTP/1.1
(`admin.insecure: true`, so the official client sends no credentials), on both store backends:
api-key, role, policy, user, assignment and member, each read back through grpcio. `update role`
and `update policy` run with an EDITOR script. (`flyte get assignment` without a selector fails
inside the official client itself: its syncify wrapper refuses a nested blocking call.)"""
import base64
import os
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from test_identity import app_identity, assignment, connect, idl, user_identity  # noqa: F401 (idl is a fixture)

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL_VENV = Path(os.environ.get("OFFICIAL_VENV", ROOT / ".venv-official"))
if not OFFICIAL_VENV.is_absolute():
    OFFICIAL_VENV = ROOT / OFFICIAL_VENV
OFFICIAL_FLYTE = OFFICIAL_VENV / "bin/flyte"


@pytest.fixture
def official(start_server, database, tmp_path, idl):
    if not OFFICIAL_FLYTE.exists():
        pytest.fail(f"{OFFICIAL_FLYTE} is missing: make the venv {OFFICIAL_VENV} from "
                    f"Tests/interop/requirements-official.txt (tools/test does) or set OFFICIAL_VENV", pytrace=False)
    srv = start_server("--database", database("identity-cli.db"), "--default-organization", "acme", test_service=False)
    home = tmp_path / "home"
    home.mkdir()
    config = home / "config.yaml"
    config.write_text(f"admin:\n  endpoint: dns:///127.0.0.1:{srv.port}\n  insecure: true\ntask:\n  org: acme\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLYTE", "_U_", "EDITOR", "VISUAL"))}
    env.update(HOME=str(home), DO_NOT_TRACK="1", COLUMNS="400", NO_COLOR="1")

    def flyte(*args: str, ok: bool = True, editor: str | None = None) -> str:
        run_env = dict(env, **({"EDITOR": editor} if editor else {}))
        proc = subprocess.run([str(OFFICIAL_FLYTE), "--config", str(config), *args], env=run_env, capture_output=True,
                              text=True, timeout=120, stdin=subprocess.DEVNULL, cwd=tmp_path)
        out = proc.stdout + proc.stderr
        assert (proc.returncode == 0) == ok, f"flyte {' '.join(args)} exited {proc.returncode}:\n{out}"
        return out

    def editor(name: str, sed: str) -> str:
        script = tmp_path / name
        script.write_text(f"#!/bin/sh\nsed -i '{sed}' \"$1\"\n")
        script.chmod(0o755)
        return str(script)

    ch, stubs = connect(srv, idl)
    yield SimpleNamespace(flyte=flyte, editor=editor, s=stubs, dir=tmp_path, port=srv.port)
    ch.close()


def test_official_identity_commands(official, idl):
    flyte, s, d = official.flyte, official.s, official.dir
    out = flyte("create", "api-key", "--name", "CI Deploy")
    # the key is printed once, as FLYTE_API_KEY: base64("endpoint:client_id:secret:org")
    encoded = "".join(out.split('FLYTE_API_KEY="', 1)[1].split('"', 1)[0].split())
    encoded = "".join(ch for ch in encoded if ch.isalnum() or ch in "+/=")
    endpoint_host, port, client_id, secret, org = base64.b64decode(encoded).decode().split(":")
    assert (endpoint_host, int(port), client_id, org) == ("127.0.0.1", official.port, "ci-deploy", "None")
    assert len(secret) == 43
    app = s.apps.Get(idl.app.GetAppRequest(client_id="ci-deploy"), timeout=10).app
    assert app.organization == "acme" and app.client_secret == "" and app.client_name == "ci-deploy"
    assert assignment(s, idl, app_identity(idl, "ci-deploy")) == ([], ["contributor"])
    assert "ci-deploy" in flyte("get", "api-key") and "ci-deploy" in flyte("get", "api-key", "ci-deploy")
    assert secret not in flyte("get", "api-key", "ci-deploy")

    (d / "role.yaml").write_text("name: ops\ndescription: operators\nactions:\n  - ACTION_MANAGE_CLUSTER\n"
                                 "  - ACTION_VIEW_CLUSTER_CONFIG\n")
    flyte("create", "role", "ops", "--file", str(d / "role.yaml"))
    A = idl.authn.Action
    ops_id = idl.common.RoleIdentifier(name="ops")
    role = s.roles.GetRole(idl.role.GetRoleRequest(id=ops_id), timeout=10).role
    assert [A.Name(x) for x in role.actions] == ["ACTION_MANAGE_CLUSTER", "ACTION_VIEW_CLUSTER_CONFIG"]
    assert all(name in flyte("get", "role") for name in ("admin", "contributor", "viewer", "ops", "operators"))
    flyte("update", "role", "ops", editor=official.editor("ed-role", "s/ACTION_VIEW_CLUSTER_CONFIG/ACTION_MANAGE_QUEUE/"))
    role = s.roles.GetRole(idl.role.GetRoleRequest(id=ops_id), timeout=10).role
    assert [A.Name(x) for x in role.actions] == ["ACTION_MANAGE_CLUSTER", "ACTION_MANAGE_QUEUE"]
    assert "built in and read-only" in flyte("delete", "role", "viewer", "--yes", ok=False)

    (d / "policy.yaml").write_text("name: ops-dev\ndescription: ops in dev\nbindings:\n  - role: ops\n    resource:\n"
                                   "      domain: development\n  - role: viewer\n")
    flyte("create", "policy", "ops-dev", "--file", str(d / "policy.yaml"))
    pid = idl.common.PolicyIdentifier(name="ops-dev")
    policy = s.policies.GetPolicy(idl.policy.GetPolicyRequest(id=pid), timeout=10).policy
    bindings = [(b.role_id.name, b.resource.WhichOneof("resource"), b.resource.domain.name) for b in policy.bindings]
    assert bindings == [("ops", "domain", "development"), ("viewer", "organization", "")]
    flyte("update", "policy", "ops-dev", editor=official.editor("ed-policy", "s/development/production/"))
    policy = s.policies.GetPolicy(idl.policy.GetPolicyRequest(id=pid), timeout=10).policy
    assert sorted((b.role_id.name, b.resource.domain.name) for b in policy.bindings) == [("ops", "production"), ("viewer", "")]
    assert "ops-dev" in flyte("get", "policy")

    flyte("create", "user", "--first-name", "Ada", "--last-name", "Lovelace", "--email", "ada@example.com",
          "--policy", "ops-dev")
    assert assignment(s, idl, user_identity(idl, "ada@example.com")) == ([], ["ops-dev"])
    assert "ada@example.com" in flyte("get", "user") and "Lovelace" in flyte("get", "user", "ada@example.com")
    flyte("create", "assignment", "--email", "ada@example.com", "--policy", "admin")
    flyte("create", "assignment", "--creds-subject", "ci-deploy", "--policy", "viewer")
    assert assignment(s, idl, app_identity(idl, "ci-deploy")) == ([], ["contributor", "viewer"])
    assert "ops-dev" in flyte("get", "assignment", "--user-subject", "ada@example.com")
    members = flyte("get", "member")
    assert "ada@example.com" in members and "ci-deploy" in members
    # the only administrator stays
    refused = flyte("delete", "assignment", "--email", "ada@example.com", "--policy", "admin", "--yes", ok=False)
    assert "ACTION_MANAGE_PERMISSIONS" in refused
    flyte("delete", "assignment", "--creds-subject", "ci-deploy", "--policy", "viewer", "--yes")
    assert assignment(s, idl, app_identity(idl, "ci-deploy")) == ([], ["contributor"])

    assert "still used by policy ops-dev" in flyte("delete", "role", "ops", "--yes", ok=False)
    flyte("delete", "api-key", "ci-deploy", "--yes")
    assert "ci-deploy" not in flyte("get", "member")
    flyte("delete", "assignment", "--user-subject", "ada@example.com", "--policy", "ops-dev", "--yes")
    flyte("delete", "policy", "ops-dev", "--yes")
    flyte("delete", "role", "ops", "--yes")
    assert "ops" not in [r.id.name for r in s.roles.List(idl.role.ListRolesRequest(), timeout=10).roles]
