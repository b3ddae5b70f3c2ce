"""The `flyte` CLI over TLS: admin.caCertFilePath (relative to the config file) and
--ca-cert trust a throwaway CA; an untrusted server fails with the connection hint."""
import os
import subprocess

import pytest

from test_cli import FLYTE_BIN, flyte_bin  # noqa: F401  (fixture)
from tls_certs import make_tls_files


@pytest.fixture
def tls_pool_server(start_server, database, tmp_path):
    files = make_tls_files(tmp_path / "tls")
    srv = start_server("--tls-cert", str(files.cert), "--tls-key", str(files.key),
                       "--database", database("pools.db"), test_service=False)
    return srv, files


def run(args, config, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLYTE")}
    env.update(HOME=str(home), FLYTECTL_CONFIG=str(config))
    return subprocess.run([str(FLYTE_BIN), *args], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)


def test_config_file_ca_cert_path(flyte_bin, tls_pool_server, tmp_path):
    srv, files = tls_pool_server
    config = tmp_path / "tls" / "config.yaml"  # next to ca.pem: the relative path resolves there
    config.write_text(f"admin:\n  endpoint: dns:///localhost:{srv.port}\n  insecure: false\n"
                      f"  caCertFilePath: ca.pem\n")
    proc = run(["get", "cluster-pool", "default"], config, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1].startswith("Name:"), proc.stdout  # after the title


def test_ca_cert_flag_and_untrusted_server(flyte_bin, tls_pool_server, tmp_path):
    srv, files = tls_pool_server
    config = tmp_path / "config.yaml"
    config.write_text(f"admin:\n  endpoint: 127.0.0.1:{srv.port}\n")
    proc = run(["get", "cluster-pool", "--ca-cert", str(files.ca_cert)], config, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "default" in proc.stdout

    untrusted = run(["get", "cluster-pool"], config, tmp_path)  # system roots do not know the CA
    assert untrusted.returncode != 0
    assert untrusted.stderr.startswith("Error: UNAVAILABLE: "), untrusted.stderr
    assert "--endpoint" in untrusted.stderr

    cleartext = run(["get", "cluster-pool", "--insecure"], config, tmp_path)  # h2c to a TLS port
    assert cleartext.returncode != 0
    assert cleartext.stderr.startswith("Error: "), cleartext.stderr
