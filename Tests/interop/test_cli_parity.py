"""Our `flyte` and the official one (flyte 2.12.1 + flyteplugins-union 0.19.1, .venv-official)
run the same script of commands, in the official command shape
(`flyte -c CONFIG [--org O] -of json-raw VERB NOUN ...`), against one server and one config
file (issue 10, "What it must show"). For every step: the same exit code (0; 1 a refusal or
failure; 2 a usage error), the same parsed `-of json-raw` output of every get and list; after
the script, the same server state (pools, clusters and queues with every field, live and
deleted, read through grpcio). Then the official CLI's own help examples, read from its
`--help` at test time, run with ours: each is accepted (exit 0 or the server's answer).

The script is data: SCRIPT maps a group to its steps, one line each, `(exit code, command)`;
each group is a test of its own (the official CLI takes about a CPU second per command: a group
stays short). A group runs once per CLI, the two at once in threads, each in an organization of
its own (`off-GROUP`, `our-GROUP`) so that neither sees the other's objects; the groups of
CONFIG_GROUPS run without --org, in the organization the config file gives both CLIs (derived
from the endpoint, or task.org), and only read.

Every difference is collected and reported at once (a failure lists them all), so one run says
everything that differs.
"""
import ast
import json
import os
import re
import shlex
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import grpc
import pytest
from google.protobuf.json_format import MessageToDict

import protogen
from test_cli import FLYTE_BIN, SEED_MANIFEST, flyte_bin  # noqa: F401 (fixture)
from test_cli_output_parity import ANSI, OFFICIAL_MAIN
from test_official_cli import DEFAULT_POOL_FLAGS, OFFICIAL_PYTHON, official_cli  # noqa: F401 (fixture)

CONFIG_TASK_ORG = "cfgorg"


def manifest(name: str, uri: str = "s3://my-prod-bucket/prefix") -> str:
    return SEED_MANIFEST.replace("name: prod", f"name: {name}").replace("s3://my-prod-bucket/prefix", uri)


# Files in the CLIs' working folder, named by the steps.
FILES = {
    "prod-pool.yaml": SEED_MANIFEST,  # the seed's manifest
    "bad-uri.yaml": manifest("broken", "ftp://nowhere/data"),
    "bad-name.yaml": manifest("Bad_Name"),
}

Q = "--run-concurrency 10 --action-concurrency 100"
SCRIPT: dict[str, list[tuple[int, str]]] = {
    # The seed's pool and membership commands, and the refusals around them.
    "pools": [
        (0, "create cluster-pool prod --file prod-pool.yaml"),
        (1, "create cluster-pool prod --file prod-pool.yaml"),  # duplicate name
        (1, "create cluster-pool broken --file bad-uri.yaml"),  # invalid object store URI
        (1, "create cluster-pool Bad_Name --file bad-name.yaml"),  # invalid name
        (1, "create cluster-pool nofile"),  # neither --file nor --edit
        (0, "get cluster-pool"),
        (0, "get cluster-pool --limit 1"),
        (1, "get cluster-pool nope"),  # missing
        (0, "create cluster prod-us-east-1 --pool prod"),
        (1, "create cluster prod-us-east-1 --pool default"),  # registered into another pool
        (1, "create cluster orphan --pool nope"),  # missing pool
        (0, "get cluster-pool prod"),
        (1, "delete cluster-pool prod --yes"),  # has a member
        (1, "delete cluster-pool default --yes"),  # never deleted
        (2, "get cluster-pool --bogus"),
    ],
    # A cluster's lifecycle.
    "clusters": [
        (1, "create cluster default"),  # reserved name
        (0, "get cluster --deleted"),  # none yet
        (0, "create cluster plain"),  # joins the default pool
        (0, "update cluster plain --drain"),
        (1, "update cluster plain --drain --activate"),
        (0, "get cluster plain"),
        (0, "delete cluster plain --yes"),
        (0, "get cluster --deleted"),
        (0, "get cluster plain"),  # a deleted cluster by name
        (0, "undelete cluster plain"),
        (0, "get cluster"),
        (1, "get cluster --deleted plain"),  # --deleted with NAME
    ],
    # The seed's move: drain, delete, register again into the other pool; a pool's delete.
    "move": [
        (0, "create cluster-pool prod --file prod-pool.yaml"),
        (0, "create cluster mover"),
        (1, "update cluster mover --pool prod --yes"),  # no move in place (README)
        (0, "update cluster mover --drain"),
        (0, "delete cluster mover --yes"),
        (0, "create cluster mover --pool prod"),
        (0, "get cluster mover"),
        (0, "get cluster-pool prod"),
        (0, "delete cluster mover --yes"),
        (0, "delete cluster-pool prod --yes"),
        (0, "get cluster-pool --deleted"),
        (1, "create cluster-pool prod --file prod-pool.yaml"),  # the name is kept until undeleted
        (0, "undelete cluster-pool prod"),
    ],
    # Queue creation: the official defaults and flags, and the refusals.
    "queues": [
        (0, "create cluster-pool prod --file prod-pool.yaml"),
        (0, "create cluster gpu-1 --pool prod"),
        (0, f"create queue gpu {Q} --cluster-pool prod --cluster gpu-1 --priority max --depth 500"),
        (0, f"create queue capped {Q} --max-resources cpu=64 --max-resources memory=512Gi "
            "--max-accelerators H100=8 --max-accelerators nvidia_gpu=2 --scheduling greedy_capacity"),
        (0, "create queue open --run-concurrency 0 --action-concurrency 0"),
        (1, f"create queue open {Q}"),  # duplicate name
        (1, f"create queue gpu-1 {Q}"),  # a cluster's name
        (1, f"create queue nopool {Q} --cluster-pool nope"),  # missing pool
        (1, "create queue neg --run-concurrency -1 --action-concurrency 1"),  # out of range
        (1, f"create queue badcap {Q} --max-resources cpu=lots"),  # not a quantity
        (2, f"create queue badprio {Q} --priority huge"),  # not a choice
        (2, "create queue noconc --action-concurrency 1"),  # required option missing
        (0, "get queue"),
        (0, "get queue capped"),
    ],
    # A queue's lifecycle.
    "queue-life": [
        (0, f"create queue plain {Q}"),
        (1, "delete queue plain --yes"),  # active: drain first
        (0, "update queue plain --drain"),
        (0, "get queue --state drained"),
        (0, "delete queue plain --yes"),
        (0, "get queue --deleted"),
        (0, "get queue plain"),  # a deleted queue by name
        (1, f"create queue plain {Q}"),  # the name is kept until undeleted
        (0, "undelete queue plain"),
        (0, "update queue plain --activate"),
        (0, "update queue plain --max-resources cpu=128 --scheduling greedy_capacity"),
        (0, "get queue plain"),
        (1, "delete queue default --yes"),  # never deleted
        (2, "delete queue"),  # missing NAME
        (0, "get queue"),
    ],
}

# Groups run without --org: the organization comes from the config file, the same for both
# CLIs, so they only read (both run at once in one organization).
CONFIG_GROUPS: dict[str, tuple[str, list[tuple[int, str]]]] = {
    "derived": ("127", [(0, "get cluster-pool"), (0, "get queue default")]),
    "task-org": (CONFIG_TASK_ORG, [(0, "get cluster-pool"), (0, "get queue default")]),
}
CLIS = ("official", "ours")
# Keys of times the server sets when each CLI's call arrives: they cannot match across runs.
TIME_KEYS = re.compile(r"(created|updated|deleted)(At|_at)$|^(lastHeartbeat|last_heartbeat)")
# The official CLI prints a sentence where a list is empty ("No deleted queues found."); a
# script reads that as the empty list, what ours prints.
NOTHING_FOUND = re.compile(r"^No [a-z -]+ found\.?$")


@dataclass
class Outcome:
    step: str
    code: int
    stdout: str
    stderr: str

    @classmethod
    def of(cls, step: str, proc: subprocess.CompletedProcess) -> "Outcome":
        return cls(step, proc.returncode, proc.stdout, proc.stderr)


def exit_class(code: int):
    """0, 1 (a refusal or failure) or 2 (a usage error), the official CLI's (click's) exits; any
    other code stands for itself, so that it matches none of them."""
    if code < 0:
        return f"killed by signal {-code}"
    return code


class Parity:
    """One server, one home folder with the script's files, the config files, both CLIs."""

    def __init__(self, server, home: Path):
        self.server, self.home = server, home
        for name, text in FILES.items():
            (home / name).write_text(text)
        endpoint = f"admin:\n  endpoint: dns:///127.0.0.1:{server.port}\n  insecure: true\n"
        self.config = home / "config.yaml"  # no task.org: the organization is derived or --org
        self.config.write_text(endpoint)
        self.task_org_config = home / "config-task-org.yaml"
        self.task_org_config.write_text(endpoint + f"task:\n  org: {CONFIG_TASK_ORG}\n")

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("FLYTE", "_U_", "UCTL")) and k not in ("VISUAL", "EDITOR")}
        # COLUMNS: rich cuts the official CLI's lines at the terminal width. EDITOR: an --edit
        # saves the file unchanged (never a terminal editor waiting for keys).
        env.update(HOME=str(self.home), DO_NOT_TRACK="1", COLUMNS="100000", NO_COLOR="1", EDITOR="true")
        return env

    def run(self, cli: str, args: list[str], timeout: float = 120, cwd: Path | None = None
            ) -> subprocess.CompletedProcess:
        # The official CLI through OFFICIAL_MAIN (its entry point ending in os._exit: pyqwest may
        # abort at interpreter exit, after the CLI has answered).
        program = [str(FLYTE_BIN)] if cli == "ours" else [str(OFFICIAL_PYTHON), "-c", OFFICIAL_MAIN]
        return subprocess.run([*program, *args], cwd=cwd or self.home, env=self.env(), capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def script(self, cli: str, config: Path, org: str | None, steps) -> list[Outcome]:
        shape = ["-c", str(config), *(["--org", org] if org else []), "-of", "json-raw"]
        out = []
        for _, line in steps:
            out.append(Outcome.of(line, self.run(cli, [*shape, *shlex.split(line)])))
        return out


def parsed(text: str):
    """The `-of json-raw` output as data: JSON, or the Python literal the official CLI prints
    for one queue (`get queue NAME` prints `pretty_repr([queue.to_dict()])` whatever -of says)."""
    text = ANSI.sub("", text).strip()
    if NOTHING_FOUND.match(text):
        return []
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return f"<not JSON> {text[:500]}"


def normalized(value, org: str):
    """`value` with what must differ between the two runs replaced: the organization (each CLI
    has its own) and the times the server stamps. Presence of a time is kept (a deleted object
    has deletedAt, a live one none). Authors are not normalized: both CLIs call without
    credentials, so the server records the same --default-identity for both."""
    if isinstance(value, dict):
        return {k: ("<time>" if TIME_KEYS.search(k) and v else normalized(v, org)) for k, v in value.items()}
    if isinstance(value, list):
        return [normalized(v, org) for v in value]
    if value == org:
        return "<org>"
    return value


BOX = re.compile(r"[╭╮╰╯─│]")  # the official CLI's error panel


def words(text: str) -> str:
    return " ".join(BOX.sub(" ", ANSI.sub("", text)).split())


def describe(o: Outcome) -> str:
    return f"exit {o.code}: {(words(o.stderr) or words(o.stdout))[:300]}"


@pytest.fixture
def parity(flyte_bin, official_cli, start_server, database, tmp_path, pb):  # pb: protogen modules
    srv = start_server(*DEFAULT_POOL_FLAGS, "--database", database("parity.db"), test_service=False)
    home = tmp_path / "home"
    home.mkdir()
    return Parity(srv, home)


@pytest.fixture(scope="module")
def api(pb):  # pb generates every module of proto/ once per session
    grpc_module = lambda path: protogen.module(path, grpc=True)  # noqa: E731
    return SimpleNamespace(
        pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
        cluster=protogen.module("cloudidl/cluster/cluster.proto"),
        queue=protogen.module("cloudidl/queue/queue.proto"),
        list=protogen.module("cloudidl/common/list.proto"),
        pools=grpc_module("cloudidl/clusterpool/clusterpool.proto"),
        clusters=grpc_module("cloudidl/cluster/cluster.proto"),
        queues=grpc_module("cloudidl/queue/queue.proto"))


def server_state(api, target: str, org: str) -> dict:
    """Every pool, cluster and queue of `org`, live and deleted, each with all its fields."""
    deleted = [api.list.Filter(function=api.list.Filter.EXISTS, field="deleted_at")]
    state = {}
    with grpc.insecure_channel(target) as ch:
        pools = api.pools.ClusterPoolServiceStub(ch)
        clusters = api.clusters.ClusterServiceStub(ch)
        queues = api.queues.QueueServiceStub(ch)
        for filters, suffix in (([], ""), (deleted, " (deleted)")):
            request = api.list.ListRequest(limit=100, filters=filters)
            state["pools" + suffix] = pools.List(
                api.pool.ListRequest(organization=org, request=request), timeout=10).cluster_pools
            state["clusters" + suffix] = clusters.ListClusters(
                api.cluster.ListRequest(organization=org, request=request), timeout=10).clusters
            state["queues" + suffix] = queues.ListQueues(
                api.queue.ListQueuesRequest(organization=org, request=request), timeout=10).queues
    return {kind: normalized([MessageToDict(m) for m in messages], org) for kind, messages in state.items()}


GROUPS = {**{group: (None, steps) for group, steps in SCRIPT.items()}, **CONFIG_GROUPS}


@pytest.mark.parametrize("group", list(GROUPS))
def test_script_through_both_clis(parity: Parity, api, group: str):
    shared_org, steps = GROUPS[group]
    config = parity.task_org_config if group == "task-org" else parity.config
    orgs = {cli: shared_org or f"{cli[:3]}-{group}" for cli in CLIS}
    with ThreadPoolExecutor(max_workers=len(CLIS)) as pool:
        futures = {cli: pool.submit(parity.script, cli, config, None if shared_org else orgs[cli], steps)
                   for cli in CLIS}
        runs = {cli: future.result() for cli, future in futures.items()}

    differences = []
    for i, ((expected, line), official, ours) in enumerate(zip(steps, runs["official"], runs["ours"])):
        where = f"[{group} #{i + 1}] flyte {line}"
        if exit_class(official.code) != expected:  # the script's own premise
            differences.append(f"{where}: the official CLI's exit class is {exit_class(official.code)}, "
                               f"the script expects {expected} ({describe(official)})")
        if exit_class(ours.code) != exit_class(official.code):
            differences.append(f"{where}: exit class ours {exit_class(ours.code)} ({describe(ours)}), "
                               f"official {exit_class(official.code)} ({describe(official)})")
        elif line.startswith("get ") and official.code == 0:
            want = normalized(parsed(official.stdout), orgs["official"])
            got = normalized(parsed(ours.stdout), orgs["ours"])
            if got != want:
                differences.append(f"{where}: -of json-raw differs\n  ours:     {json.dumps(got)[:1500]}\n"
                                   f"  official: {json.dumps(want)[:1500]}")
    if not shared_org:
        official = server_state(api, parity.server.target, orgs["official"])
        ours = server_state(api, parity.server.target, orgs["ours"])
        assert official["pools"] and official["queues"], official  # the script left something
        for kind in official:
            if official[kind] != ours[kind]:
                differences.append(f"[{group}] server state of {kind} differs after the script\n"
                                   f"  ours:     {json.dumps(ours[kind])[:2000]}\n"
                                   f"  official: {json.dumps(official[kind])[:2000]}")
    assert not differences, f"{len(differences)} differences:\n" + "\n".join(differences)


# The official help's examples: the nouns we serve under each verb, and the root help.
HELP_COMMANDS = [[], *([verb, noun] for verb in ("create", "get", "update", "delete", "undelete")
                       for noun in ("cluster-pool", "cluster", "queue"))]
EXAMPLE_ORG = CONFIG_TASK_ORG
# Names the examples use for objects that must exist, and the ones made for them.
EXAMPLE_NAMES = {"my-pool": "prod", "gpu-pool": "prod", "other-pool": "prod",
                 "my-cluster": "c1", "gpu-cluster-1": "c1"}
# Root options of the official CLI that take no value (the others take one).
ROOT_FLAGS = re.compile(r"^(-v+|--verbose|--insecure|--no-progress|--reset-root-logger)$")
# Examples whose refusal by name the README's "Where we differ from the official CLI 2.12.1"
# documents; each must still be refused exactly so.
DOCUMENTED_REFUSALS = {
    "--watch": "Unknown option '--watch'",  # no queue metrics: WatchQueueMetrics is UNIMPLEMENTED
}


def help_examples(help_text: str) -> list[list[str]]:
    """The `$ flyte ...` lines of a help text (continued lines joined, comments dropped), split."""
    examples, pending = [], None
    for line in (ANSI.sub("", raw).strip() for raw in help_text.splitlines()):
        if pending is not None:
            pending += " " + line
        elif line.startswith("$ flyte "):
            pending = line[len("$ flyte "):]
        else:
            continue
        if pending.endswith("\\"):
            pending = pending[:-1]
            continue
        examples.append(shlex.split(pending, comments=True))
        pending = None
    return examples


def with_our_names(args: list[str], parity: Parity) -> list[str]:
    """An example with names that exist: placeholders replaced, and after a root example's
    options (its point) our `get cluster-pool` in place of nouns we do not serve (project,
    logs, run)."""
    values = {"<endpoint>": f"http://127.0.0.1:{parity.server.port}", "<org>": EXAMPLE_ORG,
              "/path/to/config.yaml": str(parity.task_org_config), **EXAMPLE_NAMES}
    args = [values.get(a, a) for a in args]
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 1 if ROOT_FLAGS.match(args[i]) else 2
    rest = args[i:]
    if rest[:1] == ["run"] or rest[1:2] not in (["cluster-pool"], ["cluster"], ["queue"]):
        rest = ["get", "cluster-pool", "prod"]
    return args[:i] + rest


def test_official_help_examples_run_with_ours(parity: Parity):
    """Every `$ flyte ...` line of the official help (root, and each verb of our nouns), with the
    names of objects that exist, is accepted by ours: exit 0 or the server's answer."""
    with ThreadPoolExecutor(max_workers=len(HELP_COMMANDS)) as pool:
        helps = list(pool.map(lambda cmd: parity.run("official", [*cmd, "--help"]), HELP_COMMANDS))
    examples = []
    for cmd, proc in zip(HELP_COMMANDS, helps):
        assert proc.returncode == 0, f"official flyte {' '.join(cmd)} --help: {describe(Outcome.of('', proc))}"
        found = help_examples(proc.stdout)
        assert found, f"no '$ flyte' example in official flyte {' '.join(cmd)} --help:\n{proc.stdout}"
        examples += found
    assert len(examples) >= 50, examples  # 2.12.1 has 59: the extraction still finds them

    # The examples' world: the config file with task.org as ~/.flyte/config.yaml (the default
    # one, as a user has it; run from a folder without ./config.yaml, which comes first), a pool
    # and a cluster for their names, pool.yaml for --file.
    (parity.home / ".flyte").mkdir()
    (parity.home / ".flyte/config.yaml").write_text(parity.task_org_config.read_text())
    cwd = parity.home / "examples"
    cwd.mkdir()
    (cwd / "pool.yaml").write_text(SEED_MANIFEST)
    for setup in ("create cluster-pool prod --file pool.yaml", "create cluster c1 --pool prod"):
        proc = parity.run("ours", setup.split(), cwd=cwd)
        assert proc.returncode == 0, describe(Outcome.of(setup, proc))
    refused = []
    for example in examples:
        args = with_our_names(example, parity)
        proc = parity.run("ours", args, timeout=30, cwd=cwd)
        o = Outcome.of(shlex.join(args), proc)
        documented = [flag for flag in DOCUMENTED_REFUSALS if flag in args]
        if documented:
            want = DOCUMENTED_REFUSALS[documented[0]]
            if proc.returncode != 2 or not proc.stderr.startswith(f"Error: {want}"):
                refused.append(f"flyte {o.step}: want exit 2 with '{want}' (README), got {describe(o)}")
        elif not (proc.returncode == 0 or (proc.returncode == 1 and answered(proc.stderr))):
            refused.append(f"flyte {o.step} (official: flyte {shlex.join(example)}): {describe(o)}")
    assert not refused, f"{len(refused)} of {len(examples)} official examples not accepted:\n" + "\n".join(refused)


SERVER_ANSWER = re.compile(r"^Error: (INVALID_ARGUMENT|NOT_FOUND|ALREADY_EXISTS|FAILED_PRECONDITION|"
                           r"OUT_OF_RANGE|ABORTED|PERMISSION_DENIED): ")
# Exits 1 that are the command's own answer, not a refusal of its shape: the test gives no
# terminal to confirm a delete, and its $EDITOR saves the file unchanged.
OWN_ANSWERS = ("standard input is not a terminal; pass --yes", "Error: aborted: the file was not changed")


def answered(stderr: str) -> bool:
    return bool(SERVER_ANSWER.match(stderr)) or any(a in stderr for a in OWN_ANSWERS)
