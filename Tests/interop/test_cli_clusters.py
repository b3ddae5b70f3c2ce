"""The `flyte` CLI's cluster and queue commands: argument checks and confirmation rules that
the CLI enforces before calling the server (the calls themselves: test_cli_clusters_e2e.py).

Same setup as test_cli.py: FLYTE_BIN (default `flyte` next to SERVER_BIN), one server per
test with its own SQLite file, and a config file pointing at it.
"""
import pytest

from test_cli import Flyte, flyte, flyte_bin, pool_server  # noqa: F401 (fixtures)


@pytest.mark.parametrize("verb", ["create", "get", "update", "delete", "undelete"])
def test_every_verb_lists_cluster_and_queue(flyte: Flyte, verb):
    out = flyte(verb, "--help").stdout
    for noun in ("cluster-pool,", "cluster,", "queue,"):
        assert f"\n  {noun} " in out, out


@pytest.mark.parametrize("args, message", [
    (["update", "queue", "q1"], "give exactly one of --edit, --drain, --activate or spec flags"),
    (["update", "queue", "q1", "--drain", "--run-concurrency", "3"],
     "give exactly one of --edit, --drain, --activate or spec flags"),
    (["create", "queue", "q1", "--run-concurrency", "1"],
     "--run-concurrency and --action-concurrency are required"),
    (["create", "queue", "q1", "--run-concurrency", "1", "--action-concurrency", "1", "--priority", "high"],
     "'high' is invalid for '--priority"),
    (["create", "queue", "q1", "--run-concurrency", "1", "--action-concurrency", "1", "--fairness", "fifo"],
     "'fifo' is invalid for '--fairness"),
    (["get", "cluster", "--watch", "--deleted"], "--watch cannot be combined with --deleted or --limit"),
    (["get", "cluster", "--limit", "0"], "--limit must be at least 1"),
    (["get", "queue", "--limit", "0"], "--limit must be at least 1"),
    (["create", "cluster"], "Missing expected argument '<name>'"),
])
def test_bad_arguments_are_usage_errors(flyte: Flyte, args, message):
    proc = flyte(*args, ok=False)
    assert proc.returncode == 2, proc  # as the official CLI (click) exits on usage errors
    assert message in proc.stderr, proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["update", "cluster", "c1"], "give exactly one of --pool, --drain or --activate"),
    (["update", "cluster", "c1", "--drain", "--activate"], "give exactly one of --pool, --drain or --activate"),
    (["update", "cluster", "c1", "--pool", "p", "--drain"], "give exactly one of --pool, --drain or --activate"),
    (["create", "cluster-pool", "p1"], "give exactly one of --file PATH or --edit"),
    (["create", "queue", "q1", "--run-concurrency", "-1", "--action-concurrency", "1"],
     "--run-concurrency must be between 0 and 4294967295, not -1"),
    (["update", "queue", "q1", "--depth", "4294967296"], "--depth must be between 0 and 4294967295, not 4294967296"),
])
def test_argument_checks_the_official_cli_exits_1_on(flyte: Flyte, args, message):
    """The official CLI raises these as errors of the command (exit 1), not usage errors."""
    proc = flyte(*args, ok=False)
    assert proc.returncode == 1, proc
    assert proc.stderr == f"Error: {message}\n"


@pytest.mark.parametrize("noun", ["cluster", "queue"])
def test_delete_without_a_terminal_needs_yes(flyte: Flyte, noun):
    proc = flyte("delete", noun, "c1", ok=False)
    assert proc.returncode == 1
    assert proc.stderr == (f'Error: refusing to delete {noun} "c1" without confirmation: standard input is '
                           f"not a terminal; pass --yes to delete it\n")
    assert proc.stdout == ""
