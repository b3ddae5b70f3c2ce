"""Authentication on the server's port: the RFC 8414 metadata, the JWKS and the OAuth2 token
endpoint as plain HTTP over HTTP/1.1 (urllib, curl) and HTTP/2 (curl --http2-prior-knowledge),
flyteidl2.auth.AuthMetadataService and IdentityService/UserInfo over gRPC (grpcio), the signing
keys kept in the database across restarts and rotated by `clusterpool-server keys rotate`.
Issuing a token to a real API key is tested once the identity store's apps exist."""
import base64
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import grpc
import pytest

import protogen

CURL = shutil.which("curl")


@pytest.fixture(scope="module")
def auth_pb(tmp_path_factory):
    protogen.generate(tmp_path_factory.mktemp("pygen-auth"), skip=("grpc/",))
    return protogen.module("flyteidl2/auth/auth_service.proto"), protogen.module("flyteidl2/auth/identity.proto")


def http1(server, path, method="GET", body=None, headers=None):
    """(status, headers, body) of one HTTP/1.1 request."""
    request = urllib.request.Request(f"http://{server.target}{path}", data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def curl(server, path, *args, http2=False):
    """(status, headers (lower-case names), body) of one curl request, HTTP/2 with prior knowledge or HTTP/1.1."""
    assert CURL, "curl is missing (tools/install-deps installs it)"
    out = subprocess.run(
        [CURL, "-s", "-D", "-", "--max-time", "10", *(["--http2-prior-knowledge"] if http2 else ["--http1.1"]),
         *args, f"http://{server.target}{path}"], capture_output=True, timeout=20, check=True)
    head, _, body = out.stdout.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0].startswith("HTTP/2 " if http2 else "HTTP/1.1 "), lines[0]
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("http2", [False, True], ids=["http1", "http2"])
def test_metadata_and_jwks(server, http2):
    status, headers, body = curl(server, "/.well-known/oauth-authorization-server", http2=http2)
    assert status == 200 and headers["content-type"] == "application/json", (status, headers, body)
    metadata = json.loads(body)
    base = f"http://{server.target}"
    assert metadata["issuer"] == "clusterpool-server"
    assert metadata["token_endpoint"] == base + "/oauth2/token"
    assert metadata["jwks_uri"] == base + "/oauth2/jwks"
    assert metadata["grant_types_supported"] == ["client_credentials"]
    assert set(metadata["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"}
    status, _, body = curl(server, "/oauth2/jwks", http2=http2)
    # HEAD: the GET's head, its content-length the GET body's, and no body
    head_status, head_headers, head_body = curl(server, "/oauth2/jwks", "-I", "-o", "/dev/null", http2=http2)
    assert (head_status, head_headers["content-length"], head_body) == (200, str(len(body)), b""), head_headers
    keys = json.loads(body)["keys"]
    assert status == 200 and len(keys) == 1
    assert {k: keys[0][k] for k in ("kty", "crv", "alg", "use")} == {"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig"}
    assert "d" not in keys[0]  # the public key only
    for coordinate in ("x", "y"):
        assert len(base64.urlsafe_b64decode(keys[0][coordinate] + "==")) == 32


@pytest.mark.parametrize("http2", [False, True], ids=["http1", "http2"])
def test_token_endpoint_errors_follow_rfc_6749(server, http2):
    form = ["-H", "content-type: application/x-www-form-urlencoded"]

    def post(*args):
        status, headers, body = curl(server, "/oauth2/token", "-X", "POST", *args, http2=http2)
        assert headers.get("cache-control") == "no-store", headers
        return status, headers, json.loads(body)

    status, _, body = post(*form, "--data", "grant_type=password&username=a&password=b")
    assert (status, body["error"]) == (400, "unsupported_grant_type"), body
    status, _, body = post(*form, "--data", "client_id=a&client_secret=b")
    assert (status, body["error"], body["error_description"]) == (400, "invalid_request", "grant_type is missing")
    status, _, body = post("-H", "content-type: application/json", "--data", '{"grant_type":"client_credentials"}')
    assert (status, body["error"]) == (400, "invalid_request") and "form" in body["error_description"]
    status, _, body = post(*form, "--data", "grant_type=client_credentials&grant_type=client_credentials")
    assert (status, body["error"]) == (400, "invalid_request") and "more than once" in body["error_description"]
    status, headers, body = post(*form, "--data", "grant_type=client_credentials")
    assert (status, body["error"]) == (401, "invalid_client") and headers["www-authenticate"].startswith("Basic")
    status, headers, body = post(*form, "-u", "ci-bot:s3cr3t-value", "--data", "grant_type=client_credentials")
    assert (status, body["error"]) == (401, "invalid_client"), body
    assert "unknown client id or wrong secret for ci-bot" in body["error_description"]
    assert "s3cr3t" not in json.dumps(body)
    status, _, body = post(*form, "--data", "grant_type=client_credentials&client_id=ci-bot&client_secret=s3cr3t-value")
    assert (status, body["error"]) == (401, "invalid_client") and "s3cr3t" not in json.dumps(body)
    status, _, body = post(*form, "-u", "ci-bot:x", "--data", "grant_type=client_credentials&client_secret=x")
    assert (status, body["error"]) == (400, "invalid_request"), body
    status, headers, _ = curl(server, "/oauth2/token", http2=http2)
    assert status == 405 and headers["allow"] == "POST"


def test_token_endpoint_over_urllib_keeps_the_connection_for_rpcs(server):
    status, _, body = http1(server, "/oauth2/token", "POST", b"grant_type=client_credentials&client_id=x&client_secret=y",
                            {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 401 and json.loads(body)["error"] == "invalid_client"
    status, _, _ = http1(server, "/oauth2/token", "POST", b"x" * 70000, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413
    # plain routes do not shadow RPCs: an unknown path is still an RPC refusal
    status, headers, _ = http1(server, "/no/such/path")
    assert status == 405 and headers["Allow"] == "POST"


def test_auth_metadata_service_over_grpc(server, channel, auth_pb):
    service, _ = auth_pb
    get_metadata = channel.unary_unary(
        "/flyteidl2.auth.AuthMetadataService/GetOAuth2Metadata",
        request_serializer=service.GetOAuth2MetadataRequest.SerializeToString,
        response_deserializer=service.GetOAuth2MetadataResponse.FromString)
    metadata = get_metadata(service.GetOAuth2MetadataRequest(), timeout=10)
    assert metadata.token_endpoint == f"http://{server.target}/oauth2/token"
    assert metadata.jwks_uri == f"http://{server.target}/oauth2/jwks"
    assert list(metadata.grant_types_supported) == ["client_credentials"]
    get_config = channel.unary_unary(
        "/flyteidl2.auth.AuthMetadataService/GetPublicClientConfig",
        request_serializer=service.GetPublicClientConfigRequest.SerializeToString,
        response_deserializer=service.GetPublicClientConfigResponse.FromString)
    config = get_config(service.GetPublicClientConfigRequest(), timeout=10)
    assert config.authorization_metadata_key == "authorization"
    assert config.audience == "clusterpool"


def test_public_url_names_every_endpoint(start_server, auth_pb):
    srv = start_server("--public-url", "https://pools.example.com/")
    status, _, body = curl(srv, "/.well-known/oauth-authorization-server")
    metadata = json.loads(body)
    assert (metadata["issuer"], metadata["token_endpoint"]) == (
        "https://pools.example.com", "https://pools.example.com/oauth2/token")


def unknown_kid_token():
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    return part({"alg": "ES256", "kid": "nope"}) + "." + part({"sub": "x"}) + "." + part("sig")


@pytest.mark.parametrize("authorization, reason", [
    (None, "no credentials"),
    ("Basic YTpi", "not 'Bearer <token>'"),
    ("Bearer not-a-jwt", "malformed token: a JWS has 3 dot-separated parts, this has 1"),
    ("Bearer eyJhbGciOiJub25lIn0.e30.", "token algorithm none is not accepted"),
    ("Bearer " + unknown_kid_token(), "unknown key id nope"),
])
def test_user_info_refuses_calls_without_a_valid_token(channel, auth_pb, authorization, reason):
    _, identity = auth_pb
    user_info = channel.unary_unary(
        "/flyteidl2.auth.IdentityService/UserInfo",
        request_serializer=identity.UserInfoRequest.SerializeToString,
        response_deserializer=identity.UserInfoResponse.FromString)
    with pytest.raises(grpc.RpcError) as error:
        user_info(identity.UserInfoRequest(), timeout=10,
                  metadata=[("authorization", authorization)] if authorization else None)
    assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert reason in error.value.details()
    if authorization:
        assert authorization.split()[-1] not in error.value.details()  # never echoes the credential


def test_signing_keys_survive_restarts_and_rotate(start_server, server_bin, database):
    """On both backends: the key made at first start is the same after a restart (tokens stay
    valid), and `keys rotate` adds one while the old one stays published."""
    database = database("keys.db")

    def jwks():
        srv = start_server("--database", database)
        keys = json.loads(curl(srv, "/oauth2/jwks")[2])["keys"]
        assert srv.stop() == 0
        return [k["kid"] for k in keys]

    first = jwks()
    assert jwks() == first  # the same key after a restart: tokens stay valid
    out = subprocess.run([str(server_bin), "keys", "rotate", "--database", database],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert f"retired {first[0]}" in out.stdout
    rotated = jwks()
    assert first[0] in rotated and len(rotated) == 2  # the old key still verifies its tokens
    [new] = set(rotated) - set(first)
    assert f"new signing key {new}" in out.stdout


def test_a_rotation_reaches_running_servers(start_server, server_bin, postgres_database):
    """Two servers on one PostgreSQL database: `keys rotate` while they run reaches both within
    --signing-key-refresh-interval (they sign with the new key and publish both)."""
    servers = [start_server("--database", postgres_database, "--signing-key-refresh-interval", "1") for _ in range(2)]

    def kids(srv):
        return sorted(k["kid"] for k in json.loads(curl(srv, "/oauth2/jwks")[2])["keys"])

    first = kids(servers[0])
    assert kids(servers[1]) == first and len(first) == 1
    out = subprocess.run([str(server_bin), "keys", "rotate", "--database", postgres_database],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    deadline = time.monotonic() + 30
    for srv in servers:
        while len(kids(srv)) != 2:
            assert time.monotonic() < deadline, f"server {srv.port} still publishes {kids(srv)} after the rotation"
            time.sleep(0.2)
        assert first[0] in kids(srv)
