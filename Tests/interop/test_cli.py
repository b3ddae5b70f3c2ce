"""The `flyte` CLI against a real server: every cluster-pool command of the seed
(shared/seed/cluster-pools.md) verbatim, the --edit flow with a scripted $EDITOR, delete
confirmation, output formats and error lines.

The binary is FLYTE_BIN, default `flyte` next to SERVER_BIN. Each test gets its own server
with its own SQLite file, and a config file in the official CLI's format pointing at it
(FLYTECTL_CONFIG), with HOME set to a temporary folder so ~/.flyte/config.yaml is never the
user's.
"""
import json
import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest

from conftest import SERVER_BIN

FLYTE_BIN = Path(os.environ.get("FLYTE_BIN", SERVER_BIN.parent / "flyte"))

SEED_MANIFEST = """\
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


class Flyte:
    """Runs the CLI with a config file pointing at one server."""

    def __init__(self, home: Path, config: Path, cwd: Path):
        self.home, self.config, self.cwd = home, config, cwd

    def env(self, **extra: str) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("FLYTE") and k not in ("VISUAL", "EDITOR")}
        env.update(HOME=str(self.home), FLYTECTL_CONFIG=str(self.config), **extra)
        return env

    def __call__(self, *args: str, ok: bool = True, env: dict | None = None,
                 stdin=subprocess.DEVNULL, input: str | None = None) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(FLYTE_BIN), *args], cwd=self.cwd, env=env or self.env(),
                              stdin=None if input is not None else stdin, input=input,
                              capture_output=True, text=True, timeout=60)
        if ok and proc.returncode != 0:
            pytest.fail(f"flyte {' '.join(args)} exited {proc.returncode}\nstdout:\n{proc.stdout}\n"
                        f"stderr:\n{proc.stderr}", pytrace=False)
        if not ok:
            assert proc.returncode != 0, f"flyte {' '.join(args)} succeeded:\n{proc.stdout}"
        return proc


@pytest.fixture(scope="session")
def flyte_bin():
    if not FLYTE_BIN.exists():
        pytest.fail(f"CLI binary {FLYTE_BIN} does not exist: build it (swift build --product flyte) "
                    f"or set FLYTE_BIN", pytrace=False)
    return FLYTE_BIN


@pytest.fixture
def pool_server(start_server, database):
    return start_server("--database", database("pools.db"), test_service=False)


@pytest.fixture
def flyte(flyte_bin, pool_server, tmp_path) -> Flyte:
    home = tmp_path / "home"
    home.mkdir()
    config = tmp_path / "config.yaml"
    config.write_text(f"admin:\n  endpoint: dns:///{pool_server.target}\n  insecure: true\n")
    work = tmp_path / "work"
    work.mkdir()
    return Flyte(home, config, work)


def scripted_editor(folder: Path, steps: list[str | None]) -> tuple[Path, Path]:
    """A real $EDITOR: its Nth run saves what it was shown as seen-N.yaml (and the file's path
    as path-N), then writes step N over the file (a None step leaves the file as it was)."""
    folder.mkdir()
    for i, step in enumerate(steps, 1):
        if step is not None:
            (folder / f"step-{i}.yaml").write_text(step)
    script = folder / "editor.sh"
    script.write_text(f"""#!/bin/sh
n=$(cat '{folder}/count' 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > '{folder}/count'
cp "$1" '{folder}'/seen-$n.yaml
printf '%s' "$1" > '{folder}'/path-$n
if [ -f '{folder}'/step-$n.yaml ]; then cp '{folder}'/step-$n.yaml "$1"; fi
""")
    script.chmod(0o755)
    return script, folder


def runs(folder: Path) -> int:
    count = folder / "count"
    return int(count.read_text()) if count.exists() else 0


def error_line(proc: subprocess.CompletedProcess) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, f"want one error line, got:\n{proc.stderr}"
    assert lines[0].startswith("Error: "), lines[0]
    return lines[0]


# MARK: the seed's commands, verbatim


def test_seed_create_from_manifest_then_inspect(flyte):
    (flyte.cwd / "prod-pool.yaml").write_text(SEED_MANIFEST)
    created = flyte("create", "cluster-pool", "prod", "--file", "prod-pool.yaml")
    assert created.stdout == 'Created cluster pool "prod".\n'

    title, *listing = flyte("get", "cluster-pool").stdout.splitlines()
    assert title == "Cluster pools in organization 127"  # derived from dns:///127.0.0.1:PORT, as the official CLI does
    assert listing[0].split() == ["NAME", "MEMBER", "CLUSTERS", "OBJECT", "STORE", "SECRET", "STORE", "IMAGE",
                                  "REGISTRY"]
    rows = {line.split()[0]: line.split() for line in listing[1:]}
    assert set(rows) == {"default", "prod"}
    assert rows["prod"] == ["prod", "-", "s3://my-prod-bucket/prefix", "AWS_SECRETS_MANAGER", "(us-east-1)", REGISTRY]

    title, *detail = flyte("get", "cluster-pool", "prod").stdout.splitlines()
    assert title == "Cluster pool prod in organization 127"
    fields = dict(line.split(":", 1) for line in detail)
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    assert fields["Name"] == "prod"
    assert fields["Object store"] == "s3://my-prod-bucket/prefix"
    assert fields["Secret store"] == "AWS_SECRETS_MANAGER"
    assert fields["Secret store locator"] == "us-east-1"
    assert fields["Image registry"] == REGISTRY
    assert fields["Member clusters"] == "(none)"


def test_seed_create_with_editor_retries_after_a_rejected_manifest(flyte, tmp_path):
    rejected = SEED_MANIFEST.replace("s3://my-prod-bucket/prefix", "ftp://my-prod-bucket/prefix")
    editor, folder = scripted_editor(tmp_path / "editor", [rejected, SEED_MANIFEST])
    proc = on_terminal(flyte, ["create", "cluster-pool", "prod", "--edit"], b"r\n", env=flyte.env(EDITOR=str(editor)))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == 'Created cluster pool "prod".\n'
    assert "(r)etry, (s)ave to file, (a)bort?" in proc.stderr
    assert runs(folder) == 2
    template = (folder / "seen-1.yaml").read_text()
    for key in ("object_store_ref", "secret_store", "image_registry", "AWS_SECRETS_MANAGER, GCP_SECRET_MANAGER",
                "OCI_VAULT", "name: prod"):
        assert key in template
    reopened = (folder / "seen-2.yaml").read_text()
    assert reopened.startswith("#! ERROR: INVALID_ARGUMENT: "), reopened
    assert "ftp" in reopened.splitlines()[0] or "object" in reopened.splitlines()[0], reopened.splitlines()[0]
    assert reopened.endswith(rejected)
    pool = json.loads(flyte("get", "cluster-pool", "prod", "-o", "json").stdout)
    assert pool["config"]["object_store_ref"]["uri"] == "s3://my-prod-bucket/prefix"


def test_edit_without_a_name_takes_it_from_the_manifest(flyte, tmp_path):
    editor, folder = scripted_editor(tmp_path / "editor", [SEED_MANIFEST.replace("name: prod", "name: ''"),
                                                           SEED_MANIFEST])
    proc = on_terminal(flyte, ["create", "cluster-pool", "--edit"], b"r\n", env=flyte.env(EDITOR=str(editor)))
    assert proc.stdout == 'Created cluster pool "prod".\n', proc.stderr
    assert (folder / "seen-2.yaml").read_text().startswith("#! ERROR: invalid manifest: the manifest has no name")
    both = flyte("create", "cluster-pool", "x", "--edit", "--file", "f.yaml", ok=False)
    assert "--file" in both.stderr and "--edit" in both.stderr


def test_visual_wins_over_editor(flyte, tmp_path):
    visual, seen = scripted_editor(tmp_path / "visual", [SEED_MANIFEST])
    flyte("create", "cluster-pool", "prod", "--edit", env=flyte.env(VISUAL=str(visual), EDITOR="false"))
    assert runs(seen) == 1


@pytest.mark.parametrize("step,why", [(None, "not changed"), ("# nothing left\n\n", "emptied")])
def test_edit_aborts_on_an_unchanged_or_emptied_file(flyte, tmp_path, step, why):
    editor, folder = scripted_editor(tmp_path / "editor", [step])
    proc = flyte("create", "cluster-pool", "prod", "--edit", ok=False, env=flyte.env(EDITOR=str(editor)))
    assert why in error_line(proc)
    assert runs(folder) == 1
    missing = flyte("get", "cluster-pool", "prod", ok=False)
    assert error_line(missing).startswith("Error: NOT_FOUND: ")


def test_edit_aborts_when_left_unchanged_after_an_error(flyte, tmp_path):
    editor, folder = scripted_editor(tmp_path / "editor", ["name: prod\nconfig:\n  secret_store: {type: NOPE}\n", None])
    proc = on_terminal(flyte, ["create", "cluster-pool", "prod", "--edit"], b"r\n", env=flyte.env(EDITOR=str(editor)))
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1].endswith(  # after the prompt: the typed answer echoes on the terminal
        "Error: aborted: the rejected manifest was saved again unchanged; nothing was changed"), proc.stderr
    assert runs(folder) == 2
    assert (folder / "seen-2.yaml").read_text().startswith("#! ERROR: invalid manifest: config.secret_store.type")


def test_seed_delete_asks_and_refuses_without_a_terminal(flyte):
    (flyte.cwd / "prod-pool.yaml").write_text(SEED_MANIFEST)
    flyte("create", "cluster-pool", "prod", "--file", "prod-pool.yaml")
    refused = flyte("delete", "cluster-pool", "prod", ok=False)
    line = error_line(refused)
    assert "without confirmation" in line and "--yes" in line
    flyte("get", "cluster-pool", "prod")  # still there

    deleted = flyte("delete", "cluster-pool", "prod", "--yes")
    assert deleted.stdout == 'Deleted cluster pool "prod".\n'
    gone = flyte("get", "cluster-pool", "prod", ok=False)
    assert error_line(gone).startswith("Error: NOT_FOUND: ") and "prod" in gone.stderr
    assert "prod" not in flyte("get", "cluster-pool").stdout

    listed = flyte("get", "cluster-pool", "--deleted").stdout.splitlines()[1:]  # after the title
    assert "DELETED AT" in listed[0] and [l.split()[0] for l in listed[1:]] == ["prod"]
    one = json.loads(flyte("get", "cluster-pool", "prod", "--deleted", "-o", "json").stdout)
    assert one["name"] == "prod" and one["deleted_at"].endswith("Z")
    restored = flyte("undelete", "cluster-pool", "prod")
    assert restored.stdout == 'Restored cluster pool "prod".\n'
    assert json.loads(flyte("get", "cluster-pool", "prod", "-o", "json").stdout)["name"] == "prod"
    not_deleted = flyte("get", "cluster-pool", "prod", "--deleted", ok=False)
    assert error_line(not_deleted) == 'Error: NOT_FOUND: no deleted cluster pool "prod"'


def on_terminal(flyte, args: list[str], answer: bytes, env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs the CLI with a pseudo-terminal as standard input and types `answer` (ahead of
    any prompt: the terminal keeps it until read); standard output and error are pipes."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([str(FLYTE_BIN), *args], cwd=flyte.cwd, env=env or flyte.env(), stdin=slave,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        os.close(slave)
        os.write(master, answer)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"flyte {' '.join(args)} did not finish within 60 s:\n{err.decode()}", pytrace=False)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out.decode(), err.decode())
    finally:
        os.close(master)


def run_on_terminal(flyte, args: list[str], answer: bytes) -> tuple[int, str]:
    """Runs the CLI with a pseudo-terminal as standard input and types `answer`."""
    proc = on_terminal(flyte, args, answer)
    return proc.returncode, proc.stderr


def test_delete_confirmation_on_a_terminal(flyte):
    (flyte.cwd / "prod-pool.yaml").write_text(SEED_MANIFEST)
    flyte("create", "cluster-pool", "prod", "--file", "prod-pool.yaml")
    code, err = run_on_terminal(flyte, ["delete", "cluster-pool", "prod"], b"n\n")
    assert code != 0
    assert 'Delete cluster pool "prod"? [y/N]' in err and "not deleted" in err
    flyte("get", "cluster-pool", "prod")
    code, err = run_on_terminal(flyte, ["delete", "cluster-pool", "prod"], b"y\n")
    assert code == 0, err
    flyte("get", "cluster-pool", "prod", ok=False)


# MARK: update, output formats, errors


def test_update_in_the_editor_and_from_a_file(flyte, tmp_path):
    (flyte.cwd / "prod-pool.yaml").write_text(SEED_MANIFEST)
    flyte("create", "cluster-pool", "prod", "--file", "prod-pool.yaml")
    changed = SEED_MANIFEST.replace("us-east-1\n", "us-west-2\n")
    editor, folder = scripted_editor(tmp_path / "editor", [changed.replace("type: AWS_SECRETS_MANAGER", "type: ''"),
                                                           changed])
    proc = on_terminal(flyte, ["update", "cluster-pool", "prod"], b"r\n", env=flyte.env(EDITOR=str(editor)))
    assert proc.stdout == 'Updated cluster pool "prod".\n', proc.stderr
    assert runs(folder) == 2
    shown = (folder / "seen-1.yaml").read_text()
    assert "uri: s3://my-prod-bucket/prefix" in shown and "locator: us-east-1" in shown
    assert (folder / "seen-2.yaml").read_text().startswith("#! ERROR: INVALID_ARGUMENT: ")
    assert json.loads(flyte("get", "cluster-pool", "prod", "-o", "json").stdout)["config"]["secret_store"] == {
        "type": "AWS_SECRETS_MANAGER", "locator": "us-west-2"}

    # the YAML output is an editable manifest: feed it back with a change
    exported = flyte("get", "cluster-pool", "prod", "-o", "yaml").stdout
    (flyte.cwd / "edited.yaml").write_text(exported.replace("us-west-2", "eu-central-1"))
    flyte("update", "cluster-pool", "prod", "--file", "edited.yaml")
    assert "eu-central-1" in flyte("get", "cluster-pool", "prod").stdout

    (flyte.cwd / "other.yaml").write_text(SEED_MANIFEST.replace("name: prod", "name: staging"))
    mismatch = flyte("update", "cluster-pool", "prod", "--file", "other.yaml", ok=False)
    assert 'does not match "prod"' in error_line(mismatch)


def test_output_formats(flyte):
    (flyte.cwd / "prod-pool.yaml").write_text(SEED_MANIFEST)
    flyte("create", "cluster-pool", "prod", "--file", "prod-pool.yaml")
    pools = json.loads(flyte("get", "cluster-pool", "-o", "json").stdout)
    assert [p["name"] for p in pools] == ["default", "prod"]
    prod = pools[1]
    assert prod["config"] == {
        "object_store_ref": {"uri": "s3://my-prod-bucket/prefix", "endpoint": ""},
        "secret_store": {"type": "AWS_SECRETS_MANAGER", "locator": "us-east-1"},
        "image_registry": {"locator": REGISTRY},
    }
    assert prod["member_clusters"] == []
    one = json.loads(flyte("get", "cluster-pool", "prod", "--output", "json").stdout)
    assert one == prod

    yaml_list = flyte("get", "cluster-pool", "-o", "yaml").stdout
    assert yaml_list.startswith("---\nkind: ClusterPool\nname: default\n")  # documents flyte apply reads
    yaml_one = flyte("get", "cluster-pool", "prod", "-o", "yaml").stdout
    assert yaml_one.startswith("kind: ClusterPool\nname: prod\n")
    assert "  secret_store:\n    type: AWS_SECRETS_MANAGER\n    locator: us-east-1\n" in yaml_one
    bad = flyte("get", "cluster-pool", "-o", "xml", ok=False)
    assert "xml" in bad.stderr


def test_limit_caps_the_listing(flyte):
    for name in ("a-pool", "b-pool", "c-pool"):
        (flyte.cwd / "m.yaml").write_text(SEED_MANIFEST.replace("name: prod", f"name: {name}"))
        flyte("create", "cluster-pool", name, "--file", "m.yaml")
    rows = flyte("get", "cluster-pool", "--limit", "2").stdout.splitlines()[2:]  # after the title and header
    assert [r.split()[0] for r in rows] == ["a-pool", "b-pool"]
    assert len(json.loads(flyte("get", "cluster-pool", "-o", "json").stdout)) == 4


def test_server_errors_are_one_line_with_the_status(flyte):
    (flyte.cwd / "prod-pool.yaml").write_text(SEED_MANIFEST)
    flyte("create", "cluster-pool", "prod", "--file", "prod-pool.yaml")
    again = flyte("create", "cluster-pool", "prod", "--file", "prod-pool.yaml", ok=False)
    assert error_line(again).startswith("Error: ALREADY_EXISTS: ")
    default = flyte("delete", "cluster-pool", "default", "--yes", ok=False)
    assert error_line(default).startswith("Error: FAILED_PRECONDITION: ")
    missing = flyte("undelete", "cluster-pool", "nope", ok=False)
    assert error_line(missing).startswith("Error: NOT_FOUND: ")
    (flyte.cwd / "bad.yaml").write_text(SEED_MANIFEST.replace("type: AWS_SECRETS_MANAGER", "type: 7"))
    bad = flyte("create", "cluster-pool", "prod2", "--file", "bad.yaml", ok=False)
    assert error_line(bad).startswith('Error: invalid manifest: config.secret_store.type "7" is not one of ')
    mismatch = flyte("create", "cluster-pool", "staging", "--file", "prod-pool.yaml", ok=False)
    assert 'name "prod" does not match "staging"' in error_line(mismatch)


# MARK: finding the server


def test_default_config_file_under_home(flyte_bin, pool_server, tmp_path):
    home = tmp_path / "home"
    (home / ".flyte").mkdir(parents=True)
    (home / ".flyte" / "config.yaml").write_text(
        f"admin:\n  endpoint: {pool_server.target}\n  insecure: true\nlogger:\n  level: 0\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLYTE")}
    env["HOME"] = str(home)
    proc = subprocess.run([str(flyte_bin), "get", "cluster-pool", "default"], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1].startswith("Name:"), proc.stdout  # after the title


def test_flags_override_the_config_file(flyte, pool_server, tmp_path):
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("admin:\n  endpoint: 127.0.0.1:1\n  insecure: true\n")
    proc = flyte("get", "cluster-pool", "--config", str(wrong), "--endpoint", pool_server.target, "--insecure")
    assert "default" in proc.stdout


def test_no_server_says_how_to_point_the_cli_at_one(flyte_bin, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("admin:\n  endpoint: dns:///127.0.0.1:1\n  insecure: true\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLYTE")}
    env.update(HOME=str(tmp_path), FLYTECTL_CONFIG=str(config))
    proc = subprocess.run([str(flyte_bin), "get", "cluster-pool"], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode != 0
    first, *rest = proc.stderr.strip().splitlines()
    assert first == "Error: UNAVAILABLE: cannot connect to 127.0.0.1:1: connection refused"
    hint = " ".join(rest)
    for way in ("--endpoint", "FLYTECTL_CONFIG", "~/.flyte/config.yaml", str(config)):
        assert way in hint


def test_a_missing_or_invalid_config_file_is_named(flyte_bin, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLYTE")}
    env.update(HOME=str(tmp_path), FLYTECTL_CONFIG=str(tmp_path / "absent.yaml"))
    proc = subprocess.run([str(flyte_bin), "get", "cluster-pool"], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode != 0
    assert proc.stderr.strip() == f"Error: config file {tmp_path / 'absent.yaml'} does not exist"
    broken = tmp_path / "broken.yaml"
    broken.write_text("admin: [\n")
    env["FLYTECTL_CONFIG"] = str(broken)
    proc = subprocess.run([str(flyte_bin), "get", "cluster-pool"], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode != 0
    assert proc.stderr.startswith(f"Error: config file {broken} is not valid YAML")


def test_editor_owns_the_terminal(flyte, tmp_path):
    """A terminal editor must be able to read the terminal: the CLI runs it in its own
    (foreground) process group, with the pty as its controlling terminal."""
    import fcntl
    import termios
    folder = tmp_path / "tty-editor"
    folder.mkdir()
    (folder / "manifest.yaml").write_text(SEED_MANIFEST)
    editor = folder / "editor.sh"
    editor.write_text(f"""#!/bin/sh
IFS= read -r answer < /dev/tty || exit 3
echo "$answer" > '{folder}/answer'
cp '{folder}/manifest.yaml' "$1"
""")
    editor.chmod(0o755)
    master, slave = pty.openpty()

    def controlling_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen([str(FLYTE_BIN), "create", "cluster-pool", "prod", "--edit"], cwd=flyte.cwd,
                            env=flyte.env(EDITOR=str(editor)), stdin=slave, stdout=slave, stderr=slave,
                            preexec_fn=controlling_terminal)
    os.close(slave)
    output = b""
    try:
        deadline = time.monotonic() + 30
        os.write(master, b"typed on the terminal\n")
        while proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    output += os.read(master, 4096)
                except OSError:
                    break
        try:  # EIO on the master only means every holder closed the pty: flyte may still be exiting
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:  # an editor stopped by SIGTTIN never returns: fail, don't hang
            proc.kill()
            proc.wait(10)
            pytest.fail(f"flyte did not finish within 30 s; the editor could not read the terminal:\n"
                        f"{output.decode(errors='replace')}", pytrace=False)
        proc.wait(timeout=10)
    finally:
        os.close(master)
    assert proc.returncode == 0, output.decode(errors="replace")
    assert (folder / "answer").read_text() == "typed on the terminal\n"
    assert json.loads(flyte("get", "cluster-pool", "prod", "-o", "json").stdout)["name"] == "prod"
