"""Our `flyte` takes the official CLI's shape (issue 10 points 1, 6, 7): the official root
options before the verb (`flyte [--config/-c F] [--endpoint E] [--insecure] [--org O] [-v...]
[-of FORMAT] VERB NOUN ...`) as well as after the command, usage errors exiting 2 as click's
do, the official-only flags refused by name, `update cluster --pool` answered by the server,
the same queue from the same `create queue` command in both CLIs, and `--version` of both
binaries naming the commit they were built from.

Same setup as test_cli.py (FLYTE_BIN, one server per test); the official CLI comes from
OFFICIAL_VENV (default .venv-official), as in test_official_cli_queues.py.
"""
import json
import os
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import grpc
import pytest

from conftest import SERVER_BIN
from test_cli import FLYTE_BIN, Flyte, flyte, flyte_bin, pool_server  # noqa: F401 (fixtures)
from test_official_cli_queues import OFFICIAL_FLYTE, OFFICIAL_VENV
from test_queues import ql  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]


def bare_env(flyte: Flyte) -> dict:
    """The environment without FLYTECTL_CONFIG: only what the command line says counts."""
    env = flyte.env()
    env.pop("FLYTECTL_CONFIG")
    return env


def test_every_root_option_before_the_verb(flyte: Flyte, pool_server):
    env, endpoint = bare_env(flyte), pool_server.target
    # The official root help's own examples, with our nouns.
    listed = flyte("--endpoint", endpoint, "--insecure", "--org", "acme", "get", "cluster-pool", env=env).stdout
    assert "default" in listed.split()
    assert json.loads(flyte("--config", str(flyte.config), "-of", "json", "get", "cluster-pool", "default",
                            env=env).stdout)["name"] == "default"
    assert "default" in flyte("-vvv", "--config", str(flyte.config), "get", "queue", env=env).stdout
    # Each root option alone before the verb, then after the command (the per-command form).
    for before in (["-c", str(flyte.config)], ["--config", str(flyte.config)]):
        assert flyte(*before, "get", "cluster-pool", "default", env=env).returncode == 0
    for extra in (["-v"], ["--verbose"], ["-vv"], ["--auth-type", "pkce"], ["--auth-type", "ExternalCommand"],
                  ["--no-progress"], ["--org", "acme"], ["--insecure"], ["--endpoint", endpoint]):
        flyte(*extra, "get", "cluster-pool", "default")
        flyte("get", "cluster-pool", "default", *extra)
    for spelling in ("-of", "--output-format", "-o", "--output"):
        before = json.loads(flyte(spelling, "json", "get", "queue", "default").stdout)
        after = json.loads(flyte("get", "queue", "default", spelling, "json").stdout)
        assert before == after and before["name"] == "default"
    # --org before the verb is the organization of the call.
    flyte("--org", "other", "create", "cluster", "c9")
    assert "c9" in flyte("--org", "other", "get", "cluster").stdout
    assert "c9" not in flyte("get", "cluster").stdout + flyte("get", "cluster").stderr


def test_root_options_reach_every_verb(flyte: Flyte):
    org = ["--org", "beta"]
    flyte(*org, "create", "queue", "q1", "--run-concurrency", "1", "--action-concurrency", "1")
    flyte(*org, "update", "queue", "q1", "--drain")
    flyte(*org, "delete", "queue", "q1", "--yes")
    flyte(*org, "undelete", "queue", "q1")
    assert json.loads(flyte(*org, "-of", "json", "get", "queue", "q1").stdout)["organization"] == "beta"
    assert flyte("get", "queue", "q1", ok=False).returncode == 1  # not in the server's default organization


@pytest.mark.parametrize("args, message", [
    (["--bogus", "get", "queue"], "Unknown option '--bogus'"),
    (["get", "queue", "--bogus"], "Unknown option '--bogus'"),
    (["-of", "xml", "get", "queue"], "The value 'xml' is invalid for '-of"),
    (["--auth-type", "kerberos", "get", "queue"], "The value 'kerberos' is invalid for '--auth-type"),
    (["get"], "USAGE: flyte get <subcommand>"),
    (["delete", "queue"], "Missing expected argument '<name>'"),
    (["--project", "p", "get", "cluster-pool"], "--project and --domain scope queue commands only"),
    (["update", "cluster", "c1", "--pool", "p", "--expected-generation", "1"], "--expected-generation guards"),
    (["update", "queue", "q", "--clear-max-resources", "--max-resources", "cpu=1"], "not both"),
])
def test_usage_errors_exit_2(flyte: Flyte, args, message):
    proc = flyte(*args, ok=False)
    assert proc.returncode == 2, proc
    assert message in proc.stderr and proc.stdout == "", proc.stderr


def test_help_exits_0_and_server_errors_exit_1(flyte: Flyte):
    for args in (["--help"], ["get", "--help"], ["--endpoint", "x:1", "get", "queue", "--help"], ["help", "get"]):
        proc = flyte(*args)
        assert "USAGE: flyte" in proc.stdout, args
    missing = flyte("get", "queue", "nope", ok=False)
    assert missing.returncode == 1 and missing.stderr.startswith("Error: NOT_FOUND: ")
    verbose = flyte("-v", "get", "queue", "nope", ok=False)
    assert "  endpoint: " in verbose.stderr and "organization: " in verbose.stderr
    assert "  status: NOT_FOUND (5)" in flyte("-vv", "get", "queue", "nope", ok=False).stderr


OFFICIAL_ONLY_ROOT = [["--image-builder", "local"], ["--builder", "remote"], ["--log-format", "json"],
                      ["--user-log-level", "debug"], ["--reset-root-logger"]]


@pytest.mark.parametrize("args", [
    *[[*opt, "get", "queue"] for opt in OFFICIAL_ONLY_ROOT],
    ["get", "queue", "--watch"],
])
def test_official_only_flags_are_unknown_options_by_name(flyte: Flyte, args):
    proc = flyte(*args, ok=False)
    flag = next(a for a in args if a.startswith("--"))
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"Error: Unknown option '{flag}'"), proc.stderr


def official_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLYTE", "_U_"))}
    env.update(HOME=str(home), DO_NOT_TRACK="1", COLUMNS="240", NO_COLOR="1")
    return env


@pytest.fixture
def both(flyte: Flyte, pool_server, tmp_path, ql):
    """Our CLI and the official one on one server and one config file, with grpcio stubs."""
    if not OFFICIAL_FLYTE.exists():
        pytest.fail(f"{OFFICIAL_FLYTE} is missing: make the venv {OFFICIAL_VENV} (tools/test does) "
                    f"or set OFFICIAL_VENV", pytrace=False)
    env = official_env(flyte.home)

    def official(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(OFFICIAL_FLYTE), "--config", str(flyte.config), *args], env=env,
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)

    def ours(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(FLYTE_BIN), "--config", str(flyte.config), *args], env=bare_env(flyte),
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)

    with grpc.insecure_channel(pool_server.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield SimpleNamespace(official=official, ours=ours,
                              queues=ql.grpc.QueueServiceStub(ch), clusters=ql.cluster_grpc.ClusterServiceStub(ch))


def test_official_root_options_exist(both):
    """The options refused above are the official root's own, not invented ones."""
    help_text = both.official("--help").stdout
    for opt in OFFICIAL_ONLY_ROOT:
        assert opt[0] in help_text, opt


OFFICIAL_OPTIONS_SCRIPT = """
import json, click
from flyte.cli.main import main
ctx = click.Context(main)
names = lambda params: sorted(o for p in params if isinstance(p, click.Option) for o in p.opts + p.secondary_opts)
found = {"": names(main.params)}
for verb in ("create", "get", "update", "delete", "undelete"):
    group = main.get_command(ctx, verb)
    for noun in ("cluster-pool", "cluster", "queue"):
        command = group.get_command(click.Context(group, parent=ctx), noun)
        found[f"{verb} {noun}"] = names(command.params)
print(json.dumps(found))
"""
# Official options with no meaning here, refused as unknown options (the others must work).
REFUSED = {"": {opt[0] for opt in OFFICIAL_ONLY_ROOT}, "get queue": {"--watch"}}


def test_every_official_option_works_or_is_refused_by_name(flyte: Flyte):
    """Walks the official CLI's own option declarations (root and each verb/noun we have)."""
    proc = subprocess.run([str(OFFICIAL_VENV / "bin/python"), "-c", OFFICIAL_OPTIONS_SCRIPT], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    official = json.loads(proc.stdout)
    assert len(official) == 16 and "--pool" in official["update cluster"]
    for command, options in official.items():
        args = command.split()
        ours = flyte(*args, "--help").stdout.partition("\nUSAGE: ")[2]  # not the discussion, which names refused ones
        for option in options:
            listed = re.search(rf"(^|[\s,/]){re.escape(option)}([\s,=/]|$)", ours, re.M) is not None
            if option in REFUSED.get(command, set()):
                assert not listed, (command, option)
                refused = flyte(*(args or ["get"]), *(["queue"] if not args else []), option, "x", ok=False)
                assert refused.returncode == 2 and f"Unknown option '{option}'" in refused.stderr, (command, option)
            else:
                assert listed, f"flyte {command} --help does not list the official {option}"


def test_update_cluster_pool_shows_the_servers_answer(flyte: Flyte, both):
    flyte("create", "cluster-pool", "gpu-pool", "--file", "-", input=PROD)
    flyte("create", "cluster", "c1")
    ours = flyte("update", "cluster", "c1", "--pool", "gpu-pool", ok=False)
    assert ours.returncode == 1
    assert ours.stderr.startswith("Error: FAILED_PRECONDITION: ") and "drain" in ours.stderr, ours.stderr
    official = both.official("--org", "default", "update", "cluster", "c1", "--pool", "gpu-pool", "--yes")
    assert official.returncode == 1
    server_message = ours.stderr.splitlines()[0].removeprefix("Error: FAILED_PRECONDITION: ")
    assert " ".join(server_message.split()[:6]) in " ".join((official.stdout + official.stderr).split())


PROD = """\
name: gpu-pool
config:
  object_store_ref: {uri: s3://gpu-bucket}
  secret_store: {type: KUBERNETES}
"""

# The official `create queue` help's examples (flyte 2.12.1), each run by both CLIs.
CREATE_EXAMPLES = [
    ["--run-concurrency", "100", "--action-concurrency", "1000"],
    ["--run-concurrency", "50", "--action-concurrency", "500", "--priority", "min", "--cluster", "gpu-cluster-1"],
    ["--run-concurrency", "50", "--action-concurrency", "500", "--max-accelerators", "H100=8",
     "--max-resources", "memory=512Gi"],
    ["--run-concurrency", "50", "--action-concurrency", "500", "--cluster-pool", "gpu-pool"],
    ["--run-concurrency", "10", "--action-concurrency", "100", "--depth", "5000", "--priority", "max"],
    ["--run-concurrency", "50", "--action-concurrency", "500", "--max-accelerators", "nvidia_gpu=8",
     "--max-accelerators", "H100=10", "--max-accelerators", "V6E=10", "--scheduling", "greedy_capacity"],
]
# The official `update queue` help's flag examples, applied in turn to the first queue.
UPDATE_EXAMPLES = [
    ["--max-resources", "cpu=512", "--max-resources", "memory=4Ti"],
    ["--clear-max-resources"],
    ["--scheduling", "greedy_capacity"],
    ["--max-accelerators", "nvidia_gpu=16", "--max-accelerators", "H100=64"],
    ["--clear-max-accelerators"],
]


def stored(both, ql, name):
    queue = both.queues.GetQueue(ql.queue.GetQueueRequest(id=ql.common.QueueIdentifier(name=name)), timeout=10).queue
    return queue.spec, queue.status.state, queue.status.cluster_managed


def test_queue_parity(flyte: Flyte, both, ql):
    """The same create and update commands give the same stored queue through either CLI."""
    flyte("create", "cluster-pool", "gpu-pool", "--file", "-", input=PROD)
    flyte("create", "cluster", "gpu-cluster-1")
    org = ["--org", "default"]  # the official client would derive "127" from 127.0.0.1
    for i, flags in enumerate(CREATE_EXAMPLES):
        official = both.official(*org, "create", "queue", f"o{i}", *flags)
        assert official.returncode == 0, official.stdout + official.stderr
        ours = both.ours(*org, "create", "queue", f"s{i}", *flags)
        assert ours.returncode == 0, ours.stderr
        assert stored(both, ql, f"o{i}") == stored(both, ql, f"s{i}"), flags
    for flags in UPDATE_EXAMPLES:
        official = both.official(*org, "update", "queue", "o0", *flags)
        assert official.returncode == 0, official.stdout + official.stderr
        ours = both.ours(*org, "update", "queue", "s0", *flags)
        assert ours.returncode == 0, ours.stderr
        assert stored(both, ql, "o0") == stored(both, ql, "s0"), flags


def test_queue_scope_is_sent_as_the_official_cli_sends_it(both):
    """--project and --domain go into the queue's id, where the server refuses them, in both CLIs."""
    for cli in (both.official, both.ours):
        proc = cli("--org", "default", "create", "queue", "scoped", "--run-concurrency", "1",
                   "--action-concurrency", "1", "--project", "p", "--domain", "development")
        assert proc.returncode == 1, proc
        assert "queues belong to an organization" in " ".join((proc.stdout + proc.stderr).split())
    ours = both.ours("--project", "p", "get", "queue", "default")  # the root form, ours only
    assert ours.returncode == 1 and "INVALID_ARGUMENT" in ours.stderr


def test_version_names_the_commit_built_from(flyte_bin):
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    for binary, name in ((flyte_bin, "flyte"), (SERVER_BIN, "clusterpool-server")):
        proc = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith(f"{name} ") and f"(commit {head}" in proc.stdout, (proc.stdout, head)
