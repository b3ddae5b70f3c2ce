"""What the README promises a new user, run as written: the health one-liner (curl, Connect
over HTTP/1.1) through `bash -c` against a real server, each manifest under examples/ taken by
`flyte create ... --file`, shell completion scripts from `flyte --generate-completion-script`,
and `tools/run --help` answering before any install or build (issue 10 point 8)."""
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import SERVER_BIN
from test_cli import Flyte, flyte, flyte_bin, pool_server  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def readme_command(marker: str) -> str:
    """The one command line of the README's ```sh blocks that contains `marker`."""
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    lines = [line for block in blocks for line in block.splitlines() if marker in line]
    assert len(lines) == 1, f"want one README command containing {marker!r}, found {lines}"
    return lines[0]


def test_health_one_liner_works_as_written(pool_server):
    command = readme_command("grpc.health.v1.Health/Check")
    assert "127.0.0.1:8089" in command
    proc = subprocess.run(["bash", "-c", command.replace("127.0.0.1:8089", pool_server.target)],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["08", "01"], proc.stdout  # status: SERVING (1)


def test_every_example_manifest_is_accepted(flyte: Flyte):
    examples = sorted(p.name for p in (ROOT / "examples").glob("*.yaml"))
    assert examples == ["cluster-pool.yaml", "cluster.yaml", "queue.yaml"]
    for noun in ("cluster-pool", "cluster", "queue"):  # the order they depend on each other
        path = ROOT / "examples" / f"{noun}.yaml"
        assert f"flyte create {noun} --file examples/{noun}.yaml" in path.read_text()
        out = flyte("create", noun, "--file", str(path)).stdout
        assert out.startswith("Created "), out
    assert "prod-us-east-1" in flyte("get", "cluster-pool", "prod").stdout
    queue = flyte("get", "queue", "gpu", "-o", "yaml").stdout
    assert "greedy_capacity" in queue and "512Gi" in queue and "nvidia-h100" in queue


def test_a_manifest_and_the_command_line_must_agree(flyte: Flyte, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("name: c1\npool: default\n")
    both = flyte("create", "cluster", "--file", str(path), "--pool", "default", ok=False)
    assert both.returncode == 2 and "give --pool or the manifest's pool:, not both" in both.stderr
    other = flyte("create", "cluster", "c2", "--file", str(path), ok=False)
    assert other.returncode == 1 and 'does not match "c2"' in other.stderr
    flags = flyte("create", "queue", "--file", str(ROOT / "examples/queue.yaml"), "--depth", "1", ok=False)
    assert flags.returncode == 2 and "give --file or spec flags, not both" in flags.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(flyte_bin, shell):
    assert f"flyte --generate-completion-script {shell}" in README or "--generate-completion-script bash|zsh|fish" in README
    proc = subprocess.run([str(flyte_bin), "--generate-completion-script", shell], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert "cluster-pool" in proc.stdout and "endpoint" in proc.stdout and "max-accelerators" in proc.stdout


def test_bash_completion_completes_nouns_and_root_options(flyte_bin, tmp_path):
    script = tmp_path / "flyte.bash"
    script.write_text(subprocess.run([str(flyte_bin), "--generate-completion-script", "bash"], capture_output=True,
                                     text=True, timeout=30, check=True).stdout)

    def complete(line: str) -> list[str]:
        words = line.split(" ")
        probe = (f"source {script}; COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}; "
                 f"COMP_LINE={line!r}; COMP_POINT={len(line)}; _flyte flyte {words[-1]!r} {words[-2]!r}; "
                 'printf "%s\\n" "${COMPREPLY[@]}"')
        return subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30).stdout.split()

    assert {"cluster-pool", "cluster", "queue"} <= set(complete("flyte get "))
    assert {"-of", "--endpoint", "-c", "--org", "-v"} <= set(complete("flyte -"))


def test_tools_run_help_answers_before_any_install_or_build(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    for tool in ("swift", "apt-get", "sudo", "dpkg-query"):  # any of them running fails the test
        (fake / tool).write_text("#!/bin/sh\necho \"$0 ran\" >&2\nexit 99\n")
        (fake / tool).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env["PATH"] = f"{fake}:/usr/bin:/bin"
    proc = subprocess.run([str(ROOT / "tools/run"), "--help"], capture_output=True, text=True, timeout=10, env=env)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    server = subprocess.run([str(SERVER_BIN), "--help"], capture_output=True, text=True, timeout=30, env=env)
    assert server.stdout in proc.stdout, (
        "tools/clusterpool-server.help is not the server's --help: regenerate it with "
        "`$(swift build --show-bin-path)/clusterpool-server --help > tools/clusterpool-server.help`")
