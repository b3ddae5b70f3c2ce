"""People's tokens from an external OpenID Connect provider (--oidc-issuer), against a real
provider on loopback (oidc_provider.py: discovery, JWK Set, RS256/ES256 tokens, device flow),
over TLS with the dev certificate and --auth on: a token of a known user (by email) reads what
the user's assignment grants and is PERMISSION_DENIED on writes; a user without assignment is
PERMISSION_DENIED; an unknown person, a wrong audience or issuer, an expired token, an unknown
kid, a bad signature and alg none are UNAUTHENTICATED; a rotated key is fetched again on its
first token; the metadata advertises the provider's endpoints while API keys keep our token
endpoint; the official CLI's DeviceFlow logs in through the provider; a provider that cannot be
reached stops the start naming its URL."""
import base64
import json
import os
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from types import SimpleNamespace

import grpc
import pytest

import protogen
from oidc_provider import OIDCProvider
from test_clusterpool import make_pool
from test_clusters import code_of
from test_official_cli import dev_certs, official_cli  # noqa: F401  (fixtures)

S = grpc.StatusCode
AUDIENCE = "clusterpool-api"


@pytest.fixture(scope="module")
def m(pb):  # pb generates every module of proto/ once per session
    g = lambda path: protogen.module(path, grpc=True)  # noqa: E731
    return SimpleNamespace(
        user=protogen.module("cloudidl/identity/user.proto"), authz=protogen.module("cloudidl/authorizer/authorizer.proto"),
        common=protogen.module("cloudidl/common/common.proto"), ident=protogen.module("cloudidl/common/identity.proto"),
        pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"), auth=protogen.module("flyteidl2/auth/auth_service.proto"),
        identity=protogen.module("flyteidl2/auth/identity.proto"),
        users=g("cloudidl/identity/user.proto").UserServiceStub, assign=g("cloudidl/authorizer/authorizer.proto").AuthorizerServiceStub,
        pools=g("cloudidl/clusterpool/clusterpool.proto").ClusterPoolServiceStub,
        meta=g("flyteidl2/auth/auth_service.proto").AuthMetadataServiceStub)


@pytest.fixture
def idp():
    with OIDCProvider(audience=AUDIENCE, client_id="flyte-cli") as provider:
        yield provider


@pytest.fixture
def secured(start_server, dev_certs, tmp_path, idp):  # noqa: F811
    boot = tmp_path / "boot" / "admin-key"
    boot.parent.mkdir()
    srv = start_server("--tls-cert", str(dev_certs.cert), "--tls-key", str(dev_certs.key), "--default-organization", "acme",
                       "--bootstrap-credentials", str(boot), "--auth", "on", "--oidc-issuer", idp.issuer,
                       "--oidc-audience", AUDIENCE, "--oidc-client-id", "flyte-cli", test_service=False)
    creds = grpc.ssl_channel_credentials(root_certificates=dev_certs.ca.read_bytes())
    with grpc.secure_channel(f"localhost:{srv.port}", creds) as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        yield SimpleNamespace(srv=srv, ch=channel, admin=boot.read_text().strip())


def bearer(token):
    return [("authorization", f"Bearer {token}")]


def add_user(s, m, email, policy=None):
    subject = m.users(s.ch).CreateUser(m.user.CreateUserRequest(spec=m.ident.UserSpec(email=email)), timeout=10,
                                       metadata=bearer(s.admin)).id.subject
    if policy:
        m.assign(s.ch).AssignIdentity(m.authz.AssignIdentityRequest(
            identity=m.ident.Identity(user_id=m.ident.UserIdentifier(subject=subject)),
            policy_id=m.common.PolicyIdentifier(name=policy)), timeout=10, metadata=bearer(s.admin))
    return subject


def list_pools(s, m, token):
    return code_of(lambda: m.pools(s.ch).List(m.pool.ListRequest(), timeout=10, metadata=bearer(token)))


def test_a_known_users_token_reads_by_assignment_and_is_denied_writes(secured, m, idp):
    s = secured
    add_user(s, m, "ada@example.com", policy="viewer")
    add_user(s, m, "bob@example.com")  # no assignment
    ada = idp.token("idp|ada-1", "Ada@Example.com")
    assert list_pools(s, m, ada) == (S.OK, "")
    code, message = code_of(lambda: m.pools(s.ch).Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")), timeout=10,
                                                         metadata=bearer(ada)))
    assert code == S.PERMISSION_DENIED and "ACTION_MANAGE_CLUSTER" in message and "ada@example.com" in message, message
    user_info = s.ch.unary_unary("/flyteidl2.auth.IdentityService/UserInfo",
                                 request_serializer=m.identity.UserInfoRequest.SerializeToString,
                                 response_deserializer=m.identity.UserInfoResponse.FromString)
    info = user_info(m.identity.UserInfoRequest(), metadata=bearer(ada), timeout=10)
    assert (info.subject, info.email) == ("ada@example.com", "ada@example.com"), info
    assert dict(info.additional_claims) == {"organization": "acme", "subject_kind": "user"}

    # authenticated without an assignment: PERMISSION_DENIED; nobody the store knows: UNAUTHENTICATED
    code, message = list_pools(s, m, idp.token("idp|bob", "bob@example.com"))
    assert code == S.PERMISSION_DENIED and "bob@example.com" in message, message
    code, message = list_pools(s, m, idp.token("idp|eve", "eve@example.com"))
    assert code == S.UNAUTHENTICATED and "no user" in message and "eve@example.com" in message, message
    # an email the provider says is unverified matches nobody
    code, message = list_pools(s, m, idp.token("idp|ada-2", "ada@example.com", extra={"email_verified": False}))
    assert code == S.UNAUTHENTICATED and "no user" in message, message

    # a deleted user's token (cached as verified) is refused at once
    m.users(s.ch).DeleteUser(m.user.DeleteUserRequest(id=m.ident.UserIdentifier(subject="ada@example.com")), timeout=10,
                             metadata=bearer(s.admin))
    code, message = list_pools(s, m, ada)
    assert code == S.UNAUTHENTICATED and "deleted" in message, message
    assert ada not in s.srv.stderr_tail()


def test_refused_tokens_are_unauthenticated_saying_why(secured, m, idp):
    s = secured
    add_user(s, m, "ada@example.com", policy="viewer")
    stranger = OIDCProvider(audience=AUDIENCE)
    try:
        forged = idp.token("idp|ada", "ada@example.com", key=stranger.keys[0], kid=idp.keys[0].kid)
        other_kid = idp.token("idp|ada", "ada@example.com", key=stranger.keys[0])
    finally:
        stranger.close()
    good = idp.token("idp|ada", "ada@example.com")
    claims = good.split(".")[1]
    none_header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": idp.keys[0].kid}).encode()).rstrip(b"=").decode()
    cases = {
        "audience": idp.token("idp|ada", "ada@example.com", aud="someone-else"),
        "issuer": idp.token("idp|ada", "ada@example.com", iss=idp.issuer + "/other"),
        "expired": idp.token("idp|ada", "ada@example.com", lifetime=-3600),
        "not valid before": idp.token("idp|ada", "ada@example.com", nbf=int(time.time()) + 3600),
        "unknown key id": other_kid,
        "bad signature": forged,
        "algorithm none": f"{none_header}.{claims}.",
    }
    for why, token in cases.items():
        code, message = list_pools(s, m, token)
        assert code == S.UNAUTHENTICATED and why in message.lower(), (why, message)
        assert token not in s.srv.stderr_tail()
    assert list_pools(s, m, good) == (S.OK, "")


def test_a_rotated_key_is_fetched_on_its_first_token(secured, m, idp):
    s = secured
    add_user(s, m, "ada@example.com", policy="viewer")
    fetched = idp.jwks_fetches
    es256 = idp.rotate("ES256")
    token = idp.token("idp|ada", "ada@example.com", key=es256)
    deadline = time.monotonic() + 30
    results = []
    while time.monotonic() < deadline:
        results.append(list_pools(s, m, token))
        if results[-1] == (S.OK, ""):
            break
        assert results[-1][0] == S.UNAUTHENTICATED and "unknown key id" in results[-1][1], results[-1]
        time.sleep(0.1)
    assert results[-1] == (S.OK, ""), results[-3:]
    assert idp.jwks_fetches > fetched


def test_metadata_advertises_the_provider_and_api_keys_keep_our_token_endpoint(secured, m, idp, dev_certs):  # noqa: F811
    s = secured
    meta = m.meta(s.ch).GetOAuth2Metadata(m.auth.GetOAuth2MetadataRequest(), timeout=10)
    ours = f"https://localhost:{s.srv.port}/oauth2/token"
    assert (meta.authorization_endpoint, meta.device_authorization_endpoint) == (f"{idp.issuer}/authorize",
                                                                                 f"{idp.issuer}/device/code")
    assert meta.token_endpoint == ours
    assert "urn:ietf:params:oauth:grant-type:device_code" in meta.grant_types_supported
    config = m.meta(s.ch).GetPublicClientConfig(m.auth.GetPublicClientConfigRequest(), timeout=10)
    assert (config.client_id, config.audience, list(config.scopes)) == ("flyte-cli", AUDIENCE, ["openid", "email", "offline_access"])
    assert config.redirect_uri == "http://localhost:53593/callback"
    context = ssl.create_default_context(cafile=str(dev_certs.ca))
    document = json.load(urllib.request.urlopen(f"https://localhost:{s.srv.port}/.well-known/oauth-authorization-server",
                                                context=context, timeout=10))
    assert document["device_authorization_endpoint"] == f"{idp.issuer}/device/code" and document["token_endpoint"] == ours

    def post(form):
        request = urllib.request.Request(ours, data=urllib.parse.urlencode(form).encode(), method="POST")
        try:
            with urllib.request.urlopen(request, context=context, timeout=10) as reply:
                return reply.status, json.load(reply)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    # the admin's API key still gets our token by the client-credentials grant
    _, client_id, secret, _ = base64.b64decode(s.admin).decode().split(":")
    status, body = post({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
                         "scope": "openid email", "audience": AUDIENCE})
    assert status == 200 and body["token_type"] == "Bearer", body
    assert list_pools(s, m, body["access_token"]) == (S.OK, "")
    # people's grants are relayed to the provider: its answers come back as they are
    status, body = post({"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": "nope",
                         "client_id": "flyte-cli"})
    assert (status, body["error"]) == (400, "invalid_grant"), body
    assert idp.token_requests[-1]["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code"


def test_official_cli_device_flow_logs_in_through_the_provider(secured, m, idp, dev_certs, official_cli, tmp_path):  # noqa: F811
    s = secured
    add_user(s, m, "ada@example.com", policy="viewer")
    home = tmp_path / "home"
    home.mkdir()
    config = home / "config.yaml"
    config.write_text(f"admin:\n  endpoint: dns:///localhost:{s.srv.port}\n  insecure: false\n"
                      f"  caCertFilePath: {dev_certs.ca}\n  authType: DeviceFlow\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLYTE", "_U_"))}
    env.update(HOME=str(home), DO_NOT_TRACK="1", COLUMNS="240", NO_COLOR="1", SSL_CERT_FILE=str(dev_certs.ca),
               PYTHONPATH=os.path.dirname(__file__), PYTHON_KEYRING_BACKEND="official_keyring.FileKeyring",
               OFFICIAL_KEYRING_FILE=str(home / "keyring.json"))
    proc = subprocess.Popen([str(official_cli), "--config", str(config), "whoami"], env=env, cwd=home,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while not idp.pending_user_codes() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        codes = idp.pending_user_codes()
        assert codes, f"the CLI asked for no device code (exit {proc.poll()})"
        idp.approve(codes[0], "idp|ada", "ada@example.com")
        out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, f"exit {proc.returncode}\n{out}\n{err}"
    assert codes[0] in out + err  # the verification URL was shown to the person
    assert "ada@example.com" in out, out
    grants = [r["grant_type"] for r in idp.token_requests]
    assert "urn:ietf:params:oauth:grant-type:device_code" in grants, grants


def test_an_unreachable_provider_stops_the_start_naming_its_url(server_bin, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    db = tmp_path / "pools.db"
    proc = subprocess.run([str(server_bin), "--port", "0", "--database", str(db), "--oidc-issuer", f"http://127.0.0.1:{port}",
                           "--oidc-audience", AUDIENCE], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert f"http://127.0.0.1:{port}/.well-known/openid-configuration" in proc.stderr, proc.stderr
    assert "connection refused" in proc.stderr, proc.stderr
    assert not db.exists() and "listening" not in proc.stdout


def test_a_provider_over_https_with_a_ca_file_and_keys_from_a_file(start_server, server_bin, dev_certs, m, tmp_path):  # noqa: F811
    with OIDCProvider(audience=AUDIENCE, tls=(dev_certs.cert, dev_certs.key), alg="ES256") as idp:
        assert idp.issuer.startswith("https://localhost:")
        # without the provider's CA the start stops, naming the URL and the certificate problem
        proc = subprocess.run([str(server_bin), "--port", "0", "--database", str(tmp_path / "refused.db"), "--oidc-issuer",
                               idp.issuer, "--oidc-audience", AUDIENCE], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 1 and f"{idp.issuer}/.well-known/openid-configuration" in proc.stderr, proc.stderr
        assert "certificate" in proc.stderr.lower(), proc.stderr
        keys = tmp_path / "jwks.json"
        keys.write_text(json.dumps({"keys": [k.jwk for k in idp.keys]}))
        boot = tmp_path / "admin-key"
        srv = start_server("--auth", "on", "--bootstrap-credentials", str(boot), "--default-organization", "acme",
                           "--oidc-issuer", idp.issuer, "--oidc-audience", AUDIENCE, "--oidc-ca-file", str(dev_certs.ca),
                           "--oidc-jwks", str(keys), test_service=False)
        with grpc.insecure_channel(f"127.0.0.1:{srv.port}") as channel:
            s = SimpleNamespace(srv=srv, ch=channel, admin=boot.read_text().strip())
            add_user(s, m, "ada@example.com", policy="viewer")
            fetched = idp.jwks_fetches
            assert list_pools(s, m, idp.token("idp|ada", "ada@example.com")) == (S.OK, "")
            assert idp.jwks_fetches == fetched == 0  # the keys came from the file
