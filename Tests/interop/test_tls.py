"""TLS with --tls-cert/--tls-key: grpcio over TLS (ALPN h2) with a throwaway CA."""
import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from clients import echo_stub
from tls_certs import make_tls_files


@pytest.fixture
def tls_server(start_server, tmp_path):
    files = make_tls_files(tmp_path / "tls")
    srv = start_server("--tls-cert", str(files.cert), "--tls-key", str(files.key))
    return srv, files


def test_health_check_over_tls(tls_server, pb):
    srv, files = tls_server
    creds = grpc.ssl_channel_credentials(root_certificates=files.ca_cert.read_bytes())
    with grpc.secure_channel(srv.target, creds) as ch:
        resp = health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=10)
        assert resp.status == health_pb2.HealthCheckResponse.SERVING
        big = echo_stub(ch, pb).Unary(pb.EchoRequest(reply_size=1 << 20), timeout=10)
        assert big.payload == b"x" * (1 << 20)


def test_tls_by_host_name(tls_server):
    srv, files = tls_server
    creds = grpc.ssl_channel_credentials(root_certificates=files.ca_cert.read_bytes())
    opts = [("grpc.ssl_target_name_override", "localhost")]
    with grpc.secure_channel(srv.target, creds, options=opts) as ch:
        resp = health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=10)
        assert resp.status == health_pb2.HealthCheckResponse.SERVING


def test_plaintext_client_is_not_served_on_tls_port(tls_server):
    srv, _ = tls_server
    with grpc.insecure_channel(srv.target) as ch:
        with pytest.raises(grpc.RpcError) as err:
            health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=3)
    assert err.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED), \
        f"a plaintext call on the TLS port gave {err.value.code()}"


def test_untrusted_certificate_is_rejected(tls_server, tmp_path):
    srv, _ = tls_server
    other_ca = make_tls_files(tmp_path / "other").ca_cert
    creds = grpc.ssl_channel_credentials(root_certificates=other_ca.read_bytes())
    with grpc.secure_channel(srv.target, creds) as ch:
        with pytest.raises(grpc.RpcError) as err:
            health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=3)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
