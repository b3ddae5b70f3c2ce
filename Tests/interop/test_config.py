"""Configuration file (--config FILE) and CLUSTERPOOL_* variables: every flag settable from
both, flags > environment > file > defaults, unknown keys and variables refused with their
name (and the file's line), a refused value naming its source, and --print-config showing the
effective configuration with each value's source and no secret."""
import json
import os
import re
import signal
import socket
import subprocess
import threading
from pathlib import Path

import grpc

from test_clusterpool import cp, pid  # noqa: F401  (cp is a fixture)

PRINTED = re.compile(r"^([a-z0-9-]+): (.*?)  # (.+)$")


def environment(**variables: str) -> dict:
    """The test's environment: no CLUSTERPOOL_* variable of the caller's but tools/test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLUSTERPOOL_") or k.startswith("CLUSTERPOOL_TEST_")}
    return env | variables


def run(server_bin: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(server_bin), *args], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=30, env=env if env is not None else environment())


def printed(proc: subprocess.CompletedProcess) -> dict[str, tuple[str, str]]:
    """--print-config's output: key -> (value as printed, source)."""
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    entries = {}
    for line in proc.stdout.splitlines():
        if m := PRINTED.match(line):
            value = m.group(2)
            entries[m.group(1)] = (json.loads(value) if value.startswith('"') else value, m.group(3))
    return entries


def refused(proc: subprocess.CompletedProcess) -> str:
    """The `Error: ...` text of a start refused for its configuration (exit 64, as a bad flag)."""
    assert proc.returncode == 64, f"exit {proc.returncode}, want 64\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "listening on" not in proc.stdout
    text = proc.stderr.split("\nUsage:")[0]
    assert text.startswith("Error: "), proc.stderr
    return text.removeprefix("Error: ")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_file_then_environment_then_flag(server_bin, tmp_path, cp):
    file_port, env_port = free_port(), free_port()
    config = tmp_path / "clusterpool.yaml"
    config.write_text(
        "# a server's configuration\n"
        "host: 127.0.0.1\n"
        f"port: {file_port}\n"
        f"database: {tmp_path / 'pools.db'}\n"
        "default-organization: from-file\n"
        "default-object-store-uri: s3://from-file/pools\n"
        "enable-test-service: false\n")
    env = environment(CLUSTERPOOL_PORT=str(env_port), CLUSTERPOOL_DEFAULT_ORGANIZATION="from-env")
    flags = ["--config", str(config), "--default-organization", "from-flag"]

    shown = printed(run(server_bin, *flags, "--print-config", env=env))
    assert shown["port"] == (str(env_port), "env CLUSTERPOOL_PORT")
    assert shown["default-organization"] == ("from-flag", "flag")
    assert shown["default-object-store-uri"] == ("s3://from-file/pools", f"file {config}:6")
    assert shown["database"] == (str(tmp_path / "pools.db"), f"file {config}:4")
    assert shown["idle-timeout"] == ("300", "default")
    assert "config" not in shown and "print-config" not in shown

    # the same configuration serves: on the environment's port, the flag's organization, the
    # file's default pool
    proc = subprocess.Popen([str(server_bin), *flags], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(30)
        assert line and line[0].strip() == f"listening on 127.0.0.1:{env_port}", \
            f"first line {line!r}; stderr: {proc.stderr.read() if proc.poll() is not None else ''}"
        with grpc.insecure_channel(f"127.0.0.1:{env_port}") as ch:
            stub = cp.grpc.ClusterPoolServiceStub(ch)
            pool = stub.Get(cp.pool.GetRequest(id=pid(cp, "default")), timeout=10).cluster_pool
        assert pool.id.organization == "from-flag"
        assert pool.config.object_store_ref.uri == "s3://from-file/pools"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0

    # without the flag the environment's organization wins over the file's; without the
    # variable, the file's
    shown = printed(run(server_bin, "--config", str(config), "--print-config", env=env))
    assert shown["default-organization"] == ("from-env", "env CLUSTERPOOL_DEFAULT_ORGANIZATION")
    shown = printed(run(server_bin, "--print-config", env=environment(CLUSTERPOOL_CONFIG=str(config))))
    assert shown["default-organization"] == ("from-file", f"file {config}:5")
    assert shown["port"] == (str(file_port), f"file {config}:3")


def test_unknown_key_in_the_file_is_refused_with_its_line(server_bin, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text(f"database: {tmp_path / 'pools.db'}\n\noidc-isuer: https://id.example.com\n")
    message = refused(run(server_bin, "--config", str(config)))
    assert message == f"{config}:3: unknown key 'oidc-isuer'; did you mean 'oidc-issuer'?"
    assert not (tmp_path / "pools.db").exists()


def test_unknown_environment_variable_is_refused(server_bin, tmp_path):
    message = refused(run(server_bin, "--database", str(tmp_path / "pools.db"),
                          env=environment(CLUSTERPOOL_MAX_CONCURENT_STREAMS="5")))
    assert message == ("environment variable CLUSTERPOOL_MAX_CONCURENT_STREAMS: unknown option "
                       "--max-concurent-streams; did you mean CLUSTERPOOL_MAX_CONCURRENT_STREAMS?")
    assert not (tmp_path / "pools.db").exists()


def test_kubernetes_service_links_are_not_options(server_bin, tmp_path):
    """A pod next to a Service called `clusterpool` gets CLUSTERPOOL_PORT=tcp://... and friends:
    ignored, while a real CLUSTERPOOL_* option beside them still counts."""
    links = {"CLUSTERPOOL_PORT": "tcp://10.96.12.7:8089", "CLUSTERPOOL_SERVICE_HOST": "10.96.12.7",
             "CLUSTERPOOL_SERVICE_PORT": "8089", "CLUSTERPOOL_SERVICE_PORT_GRPC": "8089",
             "CLUSTERPOOL_PORT_8089_TCP": "tcp://10.96.12.7:8089", "CLUSTERPOOL_PORT_8089_TCP_PROTO": "tcp",
             "CLUSTERPOOL_PORT_8089_TCP_PORT": "8089", "CLUSTERPOOL_PORT_8089_TCP_ADDR": "10.96.12.7"}
    entries = printed(run(server_bin, "--database", str(tmp_path / "pools.db"), "--print-config",
                          env=environment(**links, CLUSTERPOOL_DEFAULT_ORGANIZATION="k8s")))
    assert entries["port"] == ("8089", "default")
    assert entries["default-organization"] == ("k8s", "env CLUSTERPOOL_DEFAULT_ORGANIZATION")
    # a CLUSTERPOOL_PORT that is a port is still the option
    entries = printed(run(server_bin, "--database", str(tmp_path / "pools.db"), "--print-config",
                          env=environment(**(links | {"CLUSTERPOOL_PORT": "9000"}))))
    assert entries["port"] == ("9000", "env CLUSTERPOOL_PORT")


def test_a_refused_value_names_its_source(server_bin, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("host: 127.0.0.1\nport: eighty\n")
    assert refused(run(server_bin, "--config", str(config))) == \
        f"The value 'eighty' is invalid for '--port <port>' (--port from file {config}:2)"
    # the flag's own message, as with --audit-retention forever
    flag = refused(run(server_bin, "--audit-retention", "forever"))
    by_env = refused(run(server_bin, env=environment(CLUSTERPOOL_AUDIT_RETENTION="forever")))
    assert by_env == f"{flag} (--audit-retention from env CLUSTERPOOL_AUDIT_RETENTION)"
    config.write_text("enable-test-service: maybe\n")
    assert refused(run(server_bin, "--config", str(config))) == \
        f"{config}:1: enable-test-service is a flag: true or false, not 'maybe'"
    # a flag given on the command line is not the file's
    config.write_text("port: eighty\n")
    message = refused(run(server_bin, "--config", str(config), "--port", "x"))
    assert message.startswith("The value 'x' is invalid for '--port <port>'") and "from file" not in message, message


def test_print_config_masks_a_postgres_password(server_bin, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("database: postgres://pools:hunter2@db.internal:5432/pools?sslmode=require\n")
    proc = run(server_bin, "--config", str(config), "--print-config",
               env=environment(CLUSTERPOOL_DATABASE_PASSWORD="also-secret"))
    assert "hunter2" not in proc.stdout and "also-secret" not in proc.stdout
    shown = printed(proc)
    assert shown["database"] == ("postgres://pools:***@db.internal:5432/pools?sslmode=require", f"file {config}:1")
    assert "# CLUSTERPOOL_DATABASE_PASSWORD is set (not shown)" in proc.stdout
    assert proc.stdout.startswith("# clusterpool-server: effective configuration\n")
    assert shown["database-password-file"] == ("null", "default (unset)")
    # what it prints is a configuration file
    again = tmp_path / "again.yaml"
    again.write_text(proc.stdout)
    assert printed(run(server_bin, "--config", str(again), "--print-config"))["database"][0] == shown["database"][0]


def test_subcommands_take_the_files_database(server_bin, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text(f"database: {tmp_path / 'pools.db'}\nport: 9\n")
    shown = printed(run(server_bin, "keys", "rotate", "--config", str(config), "--print-config"))
    assert shown["database"] == (str(tmp_path / "pools.db"), f"file {config}:1")
    assert "port" not in shown
    # and work on it: keys rotate writes the file's database, with the environment's lifetime
    out = run(server_bin, "keys", "rotate", "--config", str(config), env=environment(CLUSTERPOOL_TOKEN_LIFETIME="600"))
    assert out.returncode == 0, out.stderr
    assert re.fullmatch(r"new signing key \S+; retired \S+ \(verifies the tokens it signed for 600 s more\)\n", out.stdout), out.stdout
    assert (tmp_path / "pools.db").exists()
    # migrate's database is --from: the file's (the server's) is not migrate's
    shown = printed(run(server_bin, "migrate", "--from", "a.db", "--to", "postgres://u@h/db", "--config", str(config),
                        "--print-config"))
    assert "database" not in shown and shown["from"] == ("a.db", "flag")


def test_the_readme_example_file_is_accepted(server_bin, tmp_path):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    example = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "/etc/clusterpool/server.yaml" in b)
    config = tmp_path / "server.yaml"
    config.write_text(example)
    shown = printed(run(server_bin, "--config", str(config), "--port", "9000", "--print-config"))
    lines = {line.split(":")[0]: number for number, line in enumerate(example.splitlines(), 1)
             if line and not line.startswith("#")}
    assert len(lines) > 5
    for key, number in lines.items():
        assert shown[key][1] == ("flag" if key == "port" else f"file {config}:{number}"), (key, shown[key])
    assert shown["database"][0] == "postgres://pools@db.internal:5432/pools?sslmode=verify-full"


def test_every_flag_of_the_help_is_a_key(server_bin, tmp_path):
    """The keys come from the options' own definitions: a flag added to the server (by any
    option group) is a key of the file and a variable without a list to update."""
    help_text = run(server_bin, "--help").stdout
    flags = set(re.findall(r"^  --([a-z0-9-]+)", help_text, re.M)) - {"help", "version", "config", "print-config"}
    assert {"port", "database", "oidc-issuer", "audit-retention", "enable-test-service"} <= flags
    shown = printed(run(server_bin, "--print-config"))
    assert flags == set(shown), f"in --help only: {flags - set(shown)}; printed only: {set(shown) - flags}"
    variables = {f"CLUSTERPOOL_{flag.upper().replace('-', '_')}": "" for flag in flags}
    printed(run(server_bin, "--print-config", env=environment(**variables)))  # each a known variable
