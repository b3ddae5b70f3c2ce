"""grpc.health.v1.Health: Check and Watch, against the official grpcio-health-checking stubs."""
import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from conftest import REGISTERED_SERVICES, SERVED_SERVICES, TEST_SERVICE

SERVING = health_pb2.HealthCheckResponse.SERVING
SERVICE_UNKNOWN = health_pb2.HealthCheckResponse.SERVICE_UNKNOWN
status_name = health_pb2.HealthCheckResponse.ServingStatus.Name


@pytest.fixture
def health(channel):
    return health_pb2_grpc.HealthStub(channel)


def test_check_overall_is_serving(health):
    resp = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
    assert resp.status == SERVING, f"overall health is {status_name(resp.status)}, want SERVING"


@pytest.mark.parametrize("service", sorted(SERVED_SERVICES | {TEST_SERVICE}))
def test_check_each_served_service_is_serving(health, service):
    """Every service whose methods the server implements is SERVING."""
    try:
        resp = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
    except grpc.RpcError as e:
        pytest.fail(f"Check({service}) failed with {e.code().name} {e.details()!r}, want SERVING "
                    f"(health must know every service the server implements)", pytrace=False)
    assert resp.status == SERVING, f"{service} is {status_name(resp.status)}, want SERVING"


@pytest.mark.parametrize("service", sorted(REGISTERED_SERVICES - SERVED_SERVICES))
def test_check_described_but_unimplemented_service_is_not_found(health, service):
    """Reflection describes the whole API; health vouches only for what is implemented."""
    with pytest.raises(grpc.RpcError) as err:
        health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND, (
        f"Check({service}) gave {err.value.code()}, want NOT_FOUND until its methods are served")


def test_check_unknown_service_is_not_found(health):
    with pytest.raises(grpc.RpcError) as err:
        health.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=5)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND, (
        f"Check(unknown) gave {err.value.code()} {err.value.details()!r}, want NOT_FOUND")


def test_test_service_is_absent_when_not_enabled(start_server):
    srv = start_server(test_service=False)
    with grpc.insecure_channel(srv.target) as ch:
        with pytest.raises(grpc.RpcError) as err:
            health_pb2_grpc.HealthStub(ch).Check(
                health_pb2.HealthCheckRequest(service=TEST_SERVICE), timeout=5)
        assert err.value.code() == grpc.StatusCode.NOT_FOUND, (
            f"without --enable-test-service, Check({TEST_SERVICE}) gave {err.value.code()}")


def test_watch_streams_serving_first_then_cancel(health, channel):
    call = health.Watch(health_pb2.HealthCheckRequest(service=""), timeout=10)
    first = next(call)
    assert first.status == SERVING, f"first Watch message is {status_name(first.status)}"
    call.cancel()
    with pytest.raises(grpc.RpcError) as err:
        next(call)
    assert err.value.code() == grpc.StatusCode.CANCELLED
    # the server keeps serving on the same connection after the cancelled stream
    resp = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
    assert resp.status == SERVING


def test_watch_registered_service(health):
    call = health.Watch(health_pb2.HealthCheckRequest(service="grpc.health.v1.Health"), timeout=10)
    try:
        assert next(call).status == SERVING
    finally:
        call.cancel()


def test_watch_unknown_service_is_a_message_not_an_error(health):
    call = health.Watch(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=10)
    try:
        first = next(call)
        assert first.status == SERVICE_UNKNOWN, (
            f"Watch(unknown) first message is {status_name(first.status)}, want SERVICE_UNKNOWN")
    finally:
        call.cancel()
