"""`flyte apply --dry-run` against the real server (both backends): a change the server rejects
is shown with the server's status and message, the changes it accepts are shown accepted, the
ones that need an earlier change made are not sent, and the store is unchanged byte for byte
(the SQLite file and its WAL; every row of every PostgreSQL table)."""
import time
from pathlib import Path

from test_cli import Flyte, flyte, flyte_bin, pool_server  # noqa: F401 (fixtures)
from test_cli_apply import CLUSTERS, POOLS, QUEUES, as_json, write_org


def store_contents(database, name: str) -> object:
    """The store as bytes (the SQLite file and its WAL) or, on PostgreSQL, every row of every table."""
    if database.backend == "sqlite":
        path = Path(database(name))
        return [p.read_bytes() if p.exists() else None for p in (path, Path(f"{path}-wal"))]
    tables = [row[0] for row in database.query(
        name, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")]
    assert tables
    return {table: sorted(database.query(name, f'SELECT * FROM "{table}"')) for table in tables}


def settled_store(database, name: str) -> object:
    """The store's contents once two reads 0.3 s apart agree (a write the server finishes after
    answering, such as an audit record, has landed), within 30 s."""
    last, deadline = store_contents(database, name), time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = store_contents(database, name)
        if now == last:
            return now
        last = now
    raise AssertionError("the store kept changing for 30 s")


def test_dry_run_shows_the_servers_rejection_and_writes_nothing(flyte: Flyte, pool_server, database):
    org = write_org(flyte.cwd / "org")
    flyte("apply", "-f", "org")
    (org / "pools.yaml").write_text(POOLS.replace("uri: s3://dev-bucket/data", "uri: ftp://dev-bucket/data")
                                    + "---\nkind: ClusterPool\nname: extra\nconfig: {object_store_ref: {uri: s3://x}, "
                                    "secret_store: {type: VAULT}}\n")
    (org / "queues.yaml").write_text(QUEUES.replace("run_concurrency: 20", "run_concurrency: 25"))
    (org / "clusters.yml").write_text(CLUSTERS + "---\nkind: Cluster\nname: extra-1\npool: extra\n")
    (flyte.cwd / "old.yaml").write_text(POOLS.split("---\n")[1].replace("prod", "old"))
    flyte("create", "cluster-pool", "old", "--file", "old.yaml")
    flyte("create", "queue", "scratch", "--run-concurrency", "1", "--action-concurrency", "1", "--cluster-pool", "old")
    before = settled_store(database, "pools.db")
    out = flyte("apply", "-f", "org", "--dry-run", "--prune", ok=False)
    assert out.returncode == 1, out.stderr
    text = out.stdout
    assert ("~ update cluster-pool dev  (org/pools.yaml:20)\n"
            "    config.object_store_ref.uri: s3://dev-bucket/data -> ftp://dev-bucket/data\n"
            "    REJECTED: INVALID_ARGUMENT: ") in text, text
    assert "+ create cluster-pool extra  (org/pools.yaml:29)\n" in text
    assert "\n    not checked: it needs cluster-pool extra, which the plan changes first\n" in text
    assert "~ update queue batch  (org/queues.yaml:10)\n    spec.run_concurrency: 20 -> 25\n    accepted by the server\n" in text
    assert ("- delete queue scratch\n    not checked: the server accepts its drain; the rest (delete) needs that made "
            "first\n") in text
    assert "- delete cluster-pool old\n    not checked: its clusters and queues are deleted by the plan first\n" in text
    assert text.endswith("Dry run: 1 rejected, 2 accepted, 3 not checked; nothing was written.\n"), text
    assert store_contents(database, "pools.db") == before, "a dry run changed the store"
    assert as_json(flyte, "get", "cluster-pool", "dev")["config"]["object_store_ref"]["uri"] == "s3://dev-bucket/data"
    assert as_json(flyte, "get", "queue", "scratch")["state"] == "ACTIVE"

    # without the rejected change, the dry run passes (exit 0) and still writes nothing
    (org / "pools.yaml").write_text(POOLS)
    (org / "clusters.yml").write_text(CLUSTERS)
    ok = flyte("apply", "-f", "org", "--dry-run").stdout
    assert ok.endswith("Dry run: 0 rejected, 1 accepted, 0 not checked; nothing was written.\n"), ok
    assert store_contents(database, "pools.db") == before, "a dry run changed the store"
    assert flyte("apply", "-f", "org").stdout.endswith("Applied: 1 to update.\n")
