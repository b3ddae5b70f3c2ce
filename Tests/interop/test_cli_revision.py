"""`flyte` and revisions: `-v` prints the revision a command's answers carried, and
`--min-revision N` makes every call of a command need it (the server waits up to --timeout)."""
import re

from test_cli import SEED_MANIFEST, error_line, flyte, flyte_bin, pool_server  # noqa: F401 (fixtures)


def test_verbose_prints_the_revision_and_min_revision_sends_it(flyte, tmp_path):  # noqa: F811
    manifest = tmp_path / "prod.yaml"
    manifest.write_text(SEED_MANIFEST)
    created = flyte("-v", "create", "cluster-pool", "prod", "--file", str(manifest))
    found = re.search(r"^revision: (\d+) ", created.stderr, re.M)
    assert found, f"-v prints the revision:\n{created.stderr}"
    revision = int(found.group(1))
    assert revision >= 1
    assert "revision:" not in flyte("get", "cluster-pool", "prod").stderr, "only with -v"

    flyte("--min-revision", str(revision), "get", "cluster-pool", "prod")
    waited = flyte("--min-revision", str(revision + 1), "--timeout", "1", "get", "cluster-pool", "prod", ok=False)
    assert waited.returncode == 1
    line = error_line(waited)
    assert f"applied revision {revision}, the request needs {revision + 1}" in line, line

    bad = flyte("--min-revision", "x", "get", "cluster-pool", ok=False)
    assert bad.returncode == 2, bad.stderr
