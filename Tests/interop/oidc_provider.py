"""A small OpenID Connect provider on loopback for the tests: a discovery document, a JWK Set,
RS256 (and ES256) tokens signed with keys made by openssl, an RFC 8628 device authorization
endpoint and a token endpoint (device code, refresh token) good enough for the official CLI's
DeviceFlow, the device approved by the test instead of a browser (`approve`).

    with OIDCProvider(audience="clusterpool-api") as idp:
        token = idp.token(sub="u-1", email="ada@example.com")
"""
import base64
import json
import secrets
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _openssl(*args: str, stdin: bytes | None = None) -> bytes:
    res = subprocess.run(["openssl", *args], input=stdin, capture_output=True, timeout=60)
    if res.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {res.stderr.decode()}")
    return res.stdout


def _der_length(data: bytes, i: int) -> tuple[int, int]:
    first = data[i]
    if first < 0x80:
        return first, i + 1
    count = first & 0x7F
    return int.from_bytes(data[i + 1:i + 1 + count], "big"), i + 1 + count


class SigningKey:
    """An RSA 2048 (RS256) or P-256 (ES256) key in a PEM file, its public JWK and signatures."""

    def __init__(self, directory: Path, alg: str = "RS256", kid: str | None = None):
        self.alg, self.kid = alg, kid or secrets.token_hex(6)
        self.path = directory / f"{self.kid}.pem"
        if alg == "RS256":
            _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(self.path))
            modulus = _openssl("rsa", "-in", str(self.path), "-noout", "-modulus").decode().strip().split("=", 1)[1]
            self.jwk = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                        "n": b64url(bytes.fromhex(modulus)), "e": b64url((65537).to_bytes(3, "big"))}
        else:
            _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(self.path))
            point = _openssl("pkey", "-in", str(self.path), "-pubout", "-outform", "DER")[-65:]
            assert point[0] == 4
            self.jwk = {"kty": "EC", "use": "sig", "alg": "ES256", "crv": "P-256", "kid": self.kid,
                        "x": b64url(point[1:33]), "y": b64url(point[33:])}

    def sign(self, data: bytes) -> bytes:
        signature = _openssl("dgst", "-sha256", "-sign", str(self.path), stdin=data)
        if self.alg == "RS256":
            return signature
        # ECDSA: DER SEQUENCE { INTEGER r, INTEGER s } -> r || s, 32 bytes each
        _, i = _der_length(signature, 1)
        parts = []
        for _ in range(2):
            assert signature[i] == 0x02
            length, i = _der_length(signature, i + 1)
            parts.append(int.from_bytes(signature[i:i + length], "big").to_bytes(32, "big"))
            i += length
        return b"".join(parts)


class OIDCProvider:
    """The provider, served by a thread on 127.0.0.1 (plain HTTP, or TLS with `tls=(cert, key)`)."""

    def __init__(self, audience: str, client_id: str = "flyte-cli", tls: tuple[Path, Path] | None = None,
                 alg: str = "RS256"):
        self.audience, self.client_id = audience, client_id
        self._dir = tempfile.TemporaryDirectory(prefix="oidc-provider-")
        self.dir = Path(self._dir.name)
        self.keys = [SigningKey(self.dir, alg)]
        self.jwks_fetches = 0
        self.devices: dict[str, dict] = {}  # device_code -> {user_code, approved: (sub, email) | None, ...}
        self.refresh_tokens: dict[str, tuple[str, str]] = {}
        self.token_requests: list[dict] = []
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                provider._get(self)

            def do_POST(self):
                provider._post(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        host = "localhost" if tls else "127.0.0.1"
        self.issuer = f"{scheme}://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self._dir.cleanup()

    # --- what the test does

    def rotate(self, alg: str = "RS256") -> SigningKey:
        """A new key, published in the JWK Set beside the old ones, signing from now on."""
        key = SigningKey(self.dir, alg)
        with self.lock:
            self.keys.insert(0, key)
        return key

    def token(self, sub: str, email: str | None = None, *, aud: str | None = None, iss: str | None = None,
              lifetime: int = 600, nbf: int | None = None, key: SigningKey | None = None, kid: str | None = None,
              extra: dict | None = None) -> str:
        key = key or self.keys[0]
        now = int(time.time())
        header = {"alg": key.alg, "typ": "JWT", "kid": kid or key.kid}
        claims = {"iss": iss or self.issuer, "aud": aud or self.audience, "sub": sub, "iat": now, "exp": now + lifetime}
        if nbf is not None:
            claims["nbf"] = nbf
        if email:
            claims["email"], claims["email_verified"] = email, True
        claims.update(extra or {})
        signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
        return f"{signing_input}.{b64url(key.sign(signing_input.encode()))}"

    def approve(self, user_code: str, sub: str, email: str | None = None, timeout: float = 30) -> None:
        """Approves the device whose user code is `user_code` (waiting for it to be asked)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for device in self.devices.values():
                    if device["user_code"] == user_code:
                        device["approved"] = (sub, email)
                        return
            time.sleep(0.05)
        raise AssertionError(f"no device asked for user code {user_code}")

    def pending_user_codes(self) -> list[str]:
        with self.lock:
            return [d["user_code"] for d in self.devices.values() if d["approved"] is None]

    # --- HTTP

    def _reply(self, handler, status: int, body: dict, headers: dict | None = None):
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _get(self, handler):
        path = handler.path.split("?", 1)[0]
        if path == "/.well-known/openid-configuration":
            self._reply(handler, 200, {
                "issuer": self.issuer, "jwks_uri": f"{self.issuer}/jwks",
                "authorization_endpoint": f"{self.issuer}/authorize", "token_endpoint": f"{self.issuer}/token",
                "device_authorization_endpoint": f"{self.issuer}/device/code",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256", "ES256"]})
        elif path == "/jwks":
            with self.lock:
                self.jwks_fetches += 1
                keys = [k.jwk for k in self.keys]
            # a key of a type the server does not take is skipped, not fatal
            self._reply(handler, 200, {"keys": keys + [{"kty": "oct", "kid": "shared", "k": "c2VjcmV0"}]})
        elif path == "/verify":
            self._reply(handler, 200, {"hint": "the test approves devices with OIDCProvider.approve"})
        else:
            self._reply(handler, 404, {"error": "not_found"})

    def _post(self, handler):
        length = int(handler.headers.get("content-length") or 0)
        form = {k: v[0] for k, v in urllib.parse.parse_qs(handler.rfile.read(length).decode()).items()}
        path = handler.path.split("?", 1)[0]
        if path == "/device/code":
            if form.get("client_id") != self.client_id:
                return self._reply(handler, 400, {"error": "invalid_client"})
            device_code, user_code = secrets.token_urlsafe(24), secrets.token_hex(4).upper()
            with self.lock:
                self.devices[device_code] = {"user_code": user_code, "approved": None, "audience": form.get("audience")}
            return self._reply(handler, 200, {
                "device_code": device_code, "user_code": user_code, "verification_uri": f"{self.issuer}/verify",
                "verification_uri_complete": f"{self.issuer}/verify?user_code={user_code}",
                "expires_in": 120, "interval": 1})
        if path != "/token":
            return self._reply(handler, 404, {"error": "not_found"})
        with self.lock:
            self.token_requests.append({k: v for k, v in form.items() if k in ("grant_type", "client_id", "audience")})
        grant = form.get("grant_type")
        if form.get("client_id") != self.client_id:
            return self._reply(handler, 401, {"error": "invalid_client"})
        if grant == "urn:ietf:params:oauth:grant-type:device_code":
            with self.lock:
                device = self.devices.get(form.get("device_code", ""))
            if device is None:
                return self._reply(handler, 400, {"error": "invalid_grant"})
            if device["approved"] is None:
                return self._reply(handler, 400, {"error": "authorization_pending"})
            sub, email = device["approved"]
        elif grant == "refresh_token":
            with self.lock:
                person = self.refresh_tokens.get(form.get("refresh_token", ""))
            if person is None:
                return self._reply(handler, 400, {"error": "invalid_grant"})
            sub, email = person
        else:
            return self._reply(handler, 400, {"error": "unsupported_grant_type"})
        refresh = secrets.token_urlsafe(24)
        with self.lock:
            self.refresh_tokens[refresh] = (sub, email)
        self._reply(handler, 200, {"access_token": self.token(sub, email), "token_type": "Bearer", "expires_in": 600,
                                   "refresh_token": refresh}, {"cache-control": "no-store"})
