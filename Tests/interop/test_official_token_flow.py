"""The official client's API-key login against our token endpoint, over TLS with the dev
certificate: an API key made through AppsService (grpcio), given to the official CLI as
FLYTE_API_KEY, makes it discover the token endpoint (AuthMetadataService), get a token there by
the client-credentials grant and call IdentityService/UserInfo with it (`flyte whoami`); a wrong
secret fails at the token endpoint. Also the token endpoint and UserInfo with curl (HTTP/1.1 and
HTTP/2) and grpcio over the same TLS port."""
import base64
import json
import os
import subprocess

import grpc
import pytest

import protogen
from test_official_cli import OFFICIAL_FLYTE, dev_certs, official_cli  # noqa: F401  (fixtures)


@pytest.fixture
def tls_server(start_server, dev_certs, tmp_path):  # noqa: F811
    srv = start_server("--tls-cert", str(dev_certs.cert), "--tls-key", str(dev_certs.key),
                       "--default-organization", "acme", test_service=False)
    creds = grpc.ssl_channel_credentials(root_certificates=dev_certs.ca.read_bytes())
    with grpc.secure_channel(f"localhost:{srv.port}", creds) as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        yield srv, channel


@pytest.fixture(scope="module")
def mods(tmp_path_factory):
    protogen.generate(tmp_path_factory.mktemp("pygen-token-flow"), skip=("grpc/",))
    return (protogen.module("cloudidl/identity/app.proto"), protogen.module("cloudidl/identity/app.proto", grpc=True),
            protogen.module("flyteidl2/auth/identity.proto"))


def create_key(channel, mods, client_id: str) -> str:
    app, app_grpc, _ = mods
    created = app_grpc.AppsServiceStub(channel).Create(app.CreateAppRequest(client_id=client_id, client_name="CI robot"),
                                                       timeout=10)
    assert len(created.app.client_secret) == 43
    return created.app.client_secret


def curl_token(port, ca, client_id, secret, http2):
    out = subprocess.run(
        ["curl", "-s", "--max-time", "10", "--cacert", str(ca), "--http2" if http2 else "--http1.1",
         "-w", "\n%{http_version}", "-u", f"{client_id}:{secret}", "-d", "grant_type=client_credentials",
         f"https://localhost:{port}/oauth2/token"], capture_output=True, text=True, timeout=20, check=True)
    body, version = out.stdout.rsplit("\n", 1)
    assert version == ("2" if http2 else "1.1"), version
    return json.loads(body)


def test_tokens_from_curl_over_both_http_versions_call_user_info(tls_server, mods, dev_certs):  # noqa: F811
    srv, channel = tls_server
    secret = create_key(channel, mods, "ci")
    _, _, identity = mods
    user_info = channel.unary_unary("/flyteidl2.auth.IdentityService/UserInfo",
                                    request_serializer=identity.UserInfoRequest.SerializeToString,
                                    response_deserializer=identity.UserInfoResponse.FromString)
    for http2 in (False, True):
        body = curl_token(srv.port, dev_certs.ca, "ci", secret, http2)
        assert body["token_type"] == "Bearer" and body["expires_in"] == 3600, body
        info = user_info(identity.UserInfoRequest(), metadata=[("authorization", f"Bearer {body['access_token']}")],
                         timeout=10)
        assert (info.subject, info.name) == ("ci", "CI robot")
        assert dict(info.additional_claims) == {"organization": "acme", "subject_kind": "app"}
    refused = curl_token(srv.port, dev_certs.ca, "ci", secret + "x", True)
    assert refused["error"] == "invalid_client" and secret not in json.dumps(refused)


def test_official_cli_logs_in_with_an_api_key_and_calls_user_info(tls_server, mods, dev_certs, official_cli,  # noqa: F811
                                                                  tmp_path):
    srv, channel = tls_server
    secret = create_key(channel, mods, "ci")
    home = tmp_path / "home"
    home.mkdir()
    config = home / "config.yaml"
    config.write_text(f"admin:\n  endpoint: dns:///localhost:{srv.port}\n  insecure: false\n"
                      f"  caCertFilePath: {dev_certs.ca}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLYTE", "_U_"))}
    # The official client's token request (httpx) ignores admin.caCertFilePath (it passes
    # ca_cert_file_path where get_async_session takes ca_cert_path) and trusts SSL_CERT_FILE,
    # as a user of a private CA would set it.
    env.update(HOME=str(home), DO_NOT_TRACK="1", COLUMNS="240", NO_COLOR="1", SSL_CERT_FILE=str(dev_certs.ca))

    def whoami(key_secret):
        # the official client splits the key on its first three colons: an endpoint without a port,
        # the real one given by --endpoint (which wins over the key's)
        key = base64.b64encode(f"localhost:ci:{key_secret}:acme".encode()).decode()
        return subprocess.run([str(official_cli), "--config", str(config), "--endpoint", f"dns:///localhost:{srv.port}",
                               "whoami"], env=dict(env, FLYTE_API_KEY=key), cwd=home, capture_output=True, text=True,
                              timeout=120, stdin=subprocess.DEVNULL)

    proc = whoami(secret)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert '"ci"' in proc.stdout and "CI robot" in proc.stdout, proc.stdout
    assert secret not in proc.stdout + proc.stderr
    refused = whoami(secret[:-1] + ("A" if secret[-1] != "A" else "B"))
    assert refused.returncode != 0
    assert "invalid_client" in refused.stdout + refused.stderr, refused.stdout + refused.stderr
