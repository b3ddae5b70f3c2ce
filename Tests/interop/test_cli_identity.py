"""Our `flyte` CLI's identity nouns, with the official CLI's flags: create/get/delete api-key (the
secret shown once, as FLYTE_API_KEY), create/get/update/delete role and policy (from YAML files
as the official CLI writes them; update takes --file where the official opens an editor),
create/get/delete user and assignment (--user-subject, --creds-subject or --email), get member;
server refusals reach the user as one line with the status."""
import base64
import json

from test_cli import Flyte, flyte, flyte_bin, pool_server  # noqa: F401 (fixtures)


def as_json(flyte: Flyte, *args: str):
    return json.loads(flyte(*args, "-o", "json").stdout)


def test_identity_nouns(flyte: Flyte, pool_server, tmp_path):
    created = flyte("create", "api-key", "--name", "CI Deploy").stdout
    assert 'Created API key "ci-deploy"' in created
    encoded = created.split('FLYTE_API_KEY="', 1)[1].split('"', 1)[0]
    host, port, client_id, secret, org = base64.b64decode(encoded).decode().split(":")
    # the organization: derived from the endpoint's host, as the official client derives it
    assert (f"{host}:{port}", client_id, org) == (pool_server.target, "ci-deploy", "127") and len(secret) == 43
    assert as_json(flyte, "get", "api-key") == [{"client_id": "ci-deploy", "name": "ci-deploy", "organization": "127"}]
    assert secret not in flyte("get", "api-key", "ci-deploy").stdout

    (tmp_path / "role.yaml").write_text("name: ops\ndescription: operators\nactions:\n  - ACTION_MANAGE_CLUSTER\n"
                                        "  - view_cluster_config\n")
    flyte("create", "role", "ops", "--file", str(tmp_path / "role.yaml"))
    assert as_json(flyte, "get", "role", "ops")[0]["actions"] == ["ACTION_MANAGE_CLUSTER", "ACTION_VIEW_CLUSTER_CONFIG"]
    (tmp_path / "role2.yaml").write_text("actions: [ACTION_MANAGE_CLUSTER, ACTION_MANAGE_QUEUE]\n")
    flyte("update", "role", "ops", "--file", str(tmp_path / "role2.yaml"))
    assert as_json(flyte, "get", "role", "ops")[0]["actions"] == ["ACTION_MANAGE_CLUSTER", "ACTION_MANAGE_QUEUE"]
    assert [r["name"] for r in as_json(flyte, "get", "role")] == ["admin", "contributor", "ops", "viewer"]
    (tmp_path / "bad.yaml").write_text("actions: [ACTION_FLY]\n")
    refused = flyte("create", "role", "bad", "--file", str(tmp_path / "bad.yaml"), ok=False)
    assert 'unknown action "ACTION_FLY"' in refused.stderr

    (tmp_path / "policy.yaml").write_text("name: ops-dev\ndescription: ops in dev\nbindings:\n  - role: ops\n    resource:\n"
                                          "      domain: development\n  - role: viewer\n")
    flyte("create", "policy", "ops-dev", "--file", str(tmp_path / "policy.yaml"))
    policy = as_json(flyte, "get", "policy", "ops-dev")[0]
    assert policy["bindings"] == [{"role": "ops", "resource": "domain development"}, {"role": "viewer", "resource": "organization"}]
    (tmp_path / "policy2.yaml").write_text("bindings:\n  - role: ops\n    resource:\n      cluster: c1\n")
    flyte("update", "policy", "ops-dev", "--file", str(tmp_path / "policy2.yaml"))
    assert as_json(flyte, "get", "policy", "ops-dev")[0]["bindings"] == [{"role": "ops", "resource": "cluster c1"}]

    flyte("create", "user", "--first-name", "Ada", "--last-name", "Lovelace", "--email", "ada@example.com", "--policy", "ops-dev")
    assert as_json(flyte, "get", "user", "--email", "ada@example.com")[0]["policies"] == ["ops-dev"]
    flyte("create", "assignment", "--email", "ada@example.com", "--policy", "admin")
    flyte("create", "assignment", "--creds-subject", "ci-deploy", "--policy", "viewer")
    assert as_json(flyte, "get", "assignment", "--creds-subject", "ci-deploy") == [
        {"type": "application", "subject": "ci-deploy", "roles": [], "policies": ["contributor", "viewer"]}]
    assert len(as_json(flyte, "get", "assignment")) == 2
    assert {(m["type"], m["subject"]) for m in as_json(flyte, "get", "member")} == {
        ("user", "ada@example.com"), ("application", "ci-deploy")}
    last = flyte("delete", "assignment", "--user-subject", "ada@example.com", "--policy", "admin", "--yes", ok=False)
    assert last.stderr.startswith("Error: FAILED_PRECONDITION") and "ACTION_MANAGE_PERMISSIONS" in last.stderr
    assert "--yes" in flyte("delete", "role", "ops", ok=False).stderr  # no terminal: confirmation required
    flyte("delete", "assignment", "--creds-subject", "ci-deploy", "--policy", "viewer", "--yes")
    flyte("delete", "api-key", "ci-deploy", "--yes")
    assert "No API keys." in flyte("get", "api-key").stdout
    flyte("delete", "assignment", "--email", "ada@example.com", "--policy", "ops-dev", "--yes")
    flyte("delete", "policy", "ops-dev", "--yes")
    flyte("delete", "role", "ops", "--yes")
    assert "ops" not in [r["name"] for r in as_json(flyte, "get", "role")]
