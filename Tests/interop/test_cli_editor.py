"""The `flyte ... --edit` flow after a rejected manifest (issue 10 point 4), with the real
`flyte` binary, a real server and a scripted $EDITOR (a shell script): without a terminal
the first rejection stops with the reason, the edited text saved and a hint to --file; on a
pseudo-terminal the answers (r)etry, (s)ave to file and (a)bort; an unchanged re-save stops;
the temporary file is gone on every exit, SIGINT and SIGTERM included."""
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from test_cli import (FLYTE_BIN, SEED_MANIFEST, Flyte, flyte, flyte_bin, on_terminal, pool_server,  # noqa: F401
                      runs, scripted_editor)

BAD_URI = SEED_MANIFEST.replace("s3://my-prod-bucket/prefix", "ftp://my-prod-bucket/prefix")  # server refuses
UNPARSABLE = "name: prod\nconfig:\n  secret_store: {type: NOPE}\n"  # the CLI refuses


def create_prod(flyte: Flyte):
    (flyte.cwd / "prod-pool.yaml").write_text(SEED_MANIFEST)
    flyte("create", "cluster-pool", "prod", "--file", "prod-pool.yaml")


def saved_path(stderr: str) -> Path:
    match = re.search(r"the edited manifest is saved in (\S+?)\.?\n", stderr)
    assert match, stderr
    return Path(match.group(1))


def test_without_a_terminal_the_first_rejection_stops(flyte: Flyte, tmp_path):
    """An editor that always saves the same refused manifest runs once (it ran 288 times in
    10 s before), and the edited text waits in a file for --file."""
    create_prod(flyte)
    editor, folder = scripted_editor(tmp_path / "editor", [BAD_URI] * 5)
    started = time.monotonic()
    proc = flyte("update", "cluster-pool", "prod", ok=False, env=flyte.env(EDITOR=str(editor)))
    assert time.monotonic() - started < 30
    assert proc.returncode == 1
    assert runs(folder) == 1
    assert proc.stderr.startswith("Error: INVALID_ARGUMENT: "), proc.stderr
    assert "standard input is not a terminal" in proc.stderr
    saved = saved_path(proc.stderr)
    assert f"flyte update cluster-pool prod --file {saved}" in proc.stderr
    assert saved.read_text().endswith(BAD_URI) and saved.read_text().startswith("#! ERROR: INVALID_ARGUMENT: ")
    assert not Path((folder / "path-1").read_text()).exists()
    # the hint works: fixed, the saved file applies
    saved.write_text(saved.read_text().replace("ftp://", "s3://").replace("us-east-1\n", "us-west-2\n"))
    flyte("update", "cluster-pool", "prod", "--file", str(saved))
    saved.unlink()
    assert json.loads(flyte("get", "cluster-pool", "prod", "-o", "json").stdout)["config"]["secret_store"][
        "locator"] == "us-west-2"


def test_without_a_terminal_a_queue_spec_that_does_not_parse_stops(flyte: Flyte, tmp_path):
    flyte("create", "queue", "q", "--run-concurrency", "1", "--action-concurrency", "1")
    editor, folder = scripted_editor(tmp_path / "editor", ["spec:\n  run_concurrency: many\n"] * 3)
    proc = flyte("update", "queue", "q", "--edit", ok=False, env=flyte.env(EDITOR=str(editor)))
    assert runs(folder) == 1
    assert proc.stderr.startswith("Error: invalid manifest: spec.run_concurrency must be a whole number"), proc.stderr
    saved = saved_path(proc.stderr)
    assert f"flyte update queue q --file {saved}" in proc.stderr
    saved.write_text(saved.read_text().replace("many", "7"))
    flyte("update", "queue", "q", "--file", str(saved))
    saved.unlink()
    assert json.loads(flyte("get", "queue", "q", "-o", "json").stdout)["spec"]["run_concurrency"] in ("7", 7)


def test_on_a_terminal_retry_then_success(flyte: Flyte, tmp_path):
    editor, folder = scripted_editor(tmp_path / "editor", [UNPARSABLE, BAD_URI, SEED_MANIFEST])
    proc = on_terminal(flyte, ["create", "cluster-pool", "prod", "--edit"], b"r\nr\n", env=flyte.env(EDITOR=str(editor)))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == 'Created cluster pool "prod".\n'
    assert runs(folder) == 3
    assert proc.stderr.count("(r)etry, (s)ave to file, (a)bort? [r]") == 2, proc.stderr
    assert "Error: invalid manifest: config.secret_store.type" in proc.stderr
    assert "Error: INVALID_ARGUMENT: " in proc.stderr
    assert (folder / "seen-3.yaml").read_text().startswith("#! ERROR: INVALID_ARGUMENT: ")
    for n in (1, 2, 3):
        assert not Path((folder / f"path-{n}").read_text()).exists()


def test_on_a_terminal_save_to_file(flyte: Flyte, tmp_path):
    editor, folder = scripted_editor(tmp_path / "editor", [BAD_URI, SEED_MANIFEST])
    proc = on_terminal(flyte, ["create", "cluster-pool", "prod", "--edit"], b"s\n", env=flyte.env(EDITOR=str(editor)))
    assert proc.returncode == 1, proc.stderr
    assert runs(folder) == 1
    saved = saved_path(proc.stderr)
    assert f"flyte create cluster-pool prod --file {saved}" in proc.stderr
    assert saved.read_text().endswith(BAD_URI)
    saved.unlink()
    assert not Path((folder / "path-1").read_text()).exists()
    flyte("get", "cluster-pool", "prod", ok=False)


def test_on_a_terminal_abort(flyte: Flyte, tmp_path):
    create_prod(flyte)
    editor, folder = scripted_editor(tmp_path / "editor", [BAD_URI, SEED_MANIFEST])
    proc = on_terminal(flyte, ["update", "cluster-pool", "prod"], b"a\n", env=flyte.env(EDITOR=str(editor)))
    assert proc.returncode == 1, proc.stderr
    assert runs(folder) == 1
    # the typed answer echoes on the terminal, not into the stderr pipe
    assert proc.stderr.splitlines()[-1].endswith("[r] Error: aborted; nothing was changed"), proc.stderr
    assert "saved in" not in proc.stderr
    assert not Path((folder / "path-1").read_text()).exists()


def test_on_a_terminal_the_same_text_saved_again_stops(flyte: Flyte, tmp_path):
    editor, folder = scripted_editor(tmp_path / "editor", [UNPARSABLE] * 5)
    proc = on_terminal(flyte, ["create", "cluster-pool", "prod", "--edit"], b"r\nr\nr\nr\n",
                       env=flyte.env(EDITOR=str(editor)))
    assert proc.returncode == 1, proc.stderr
    assert runs(folder) == 2
    assert "saved again unchanged" in proc.stderr.splitlines()[-1]


def live(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting for a reaper does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_removes_the_file_and_stops_the_editor(flyte: Flyte, tmp_path, sig, code):
    folder = tmp_path / "editor"
    folder.mkdir()
    editor = folder / "editor.sh"
    editor.write_text(f"""#!/bin/sh
printf '%s' "$1" > '{folder}/path.tmp' && mv '{folder}/path.tmp' '{folder}/path'
sleep 120 &
echo $! > '{folder}/sleep.pid'
wait
""")
    editor.chmod(0o755)
    with open(tmp_path / "out", "w") as out, open(tmp_path / "err", "w") as err:
        proc = subprocess.Popen([str(FLYTE_BIN), "create", "cluster-pool", "prod", "--edit"], cwd=flyte.cwd,
                                env=flyte.env(EDITOR=str(editor)), stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            deadline = time.monotonic() + 30
            while not (folder / "sleep.pid").exists() or not (folder / "sleep.pid").read_text().strip():
                assert proc.poll() is None, (tmp_path / "err").read_text()
                assert time.monotonic() < deadline, "the editor did not start within 30 s"
                time.sleep(0.05)
            edited = Path((folder / "path").read_text())
            assert edited.exists()
            proc.send_signal(sig)
            assert proc.wait(timeout=30) == code, (tmp_path / "err").read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert not edited.exists()
    assert "nothing was changed" in (tmp_path / "err").read_text()
    sleeper = int((folder / "sleep.pid").read_text())
    deadline = time.monotonic() + 30
    while live(sleeper) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not live(sleeper), "the editor's processes outlived flyte"
