"""grpc.reflection.v1.ServerReflection: services, files with dependencies, errors."""
import grpc
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool

from clients import ReflectionRequest, reflect
from conftest import REGISTERED_SERVICES, TEST_SERVICE

CLUSTER_POOL_SERVICE = "cloudidl.clusterpool.ClusterPoolService"
CLUSTER_POOL_METHODS = {"Create", "Update", "Delete", "Undelete", "Get", "List"}
NOT_FOUND = grpc.StatusCode.NOT_FOUND.value[0]


def files_of(resp) -> list[descriptor_pb2.FileDescriptorProto]:
    assert resp.WhichOneof("message_response") == "file_descriptor_response", (
        f"expected file_descriptor_response, got {resp}")
    out = []
    for raw in resp.file_descriptor_response.file_descriptor_proto:
        fd = descriptor_pb2.FileDescriptorProto()
        fd.ParseFromString(raw)
        out.append(fd)
    return out


def build_pool(files: list[descriptor_pb2.FileDescriptorProto]) -> descriptor_pool.DescriptorPool:
    """Adds the files in dependency order; fails if any dependency was not served."""
    by_name = {f.name: f for f in files}
    pool, added = descriptor_pool.DescriptorPool(), set()

    def add(name: str, chain: tuple = ()):
        if name in added:
            return
        assert name in by_name, (f"dependency {name!r} (needed by {' <- '.join(chain)}) was not "
                                 f"in the reflection response; got {sorted(by_name)}")
        for dep in by_name[name].dependency:
            add(dep, (*chain, name))
        pool.Add(by_name[name])
        added.add(name)

    for f in files:
        add(f.name)
    return pool


def test_list_services_is_exactly_the_registered_set(channel):
    (resp,) = reflect(channel, ReflectionRequest(list_services=""))
    assert resp.WhichOneof("message_response") == "list_services_response", str(resp)
    names = [s.name for s in resp.list_services_response.service]
    assert len(names) == len(set(names)), f"duplicate services listed: {names}"
    assert set(names) == REGISTERED_SERVICES | {TEST_SERVICE}


def test_list_services_without_test_service(start_server):
    srv = start_server(test_service=False)
    with grpc.insecure_channel(srv.target) as ch:
        (resp,) = reflect(ch, ReflectionRequest(list_services=""))
    assert {s.name for s in resp.list_services_response.service} == REGISTERED_SERVICES


def test_file_containing_symbol_cluster_pool_service(channel):
    (resp,) = reflect(channel, ReflectionRequest(file_containing_symbol=CLUSTER_POOL_SERVICE))
    files = files_of(resp)
    pool = build_pool(files)
    svc = pool.FindServiceByName(CLUSTER_POOL_SERVICE)
    assert {m.name for m in svc.methods} == CLUSTER_POOL_METHODS
    assert svc.file.package == "cloudidl.clusterpool", svc.file.name
    for m in svc.methods:
        assert not m.client_streaming and not m.server_streaming, f"{m.name} must be unary"
        assert m.input_type.full_name.startswith("cloudidl."), m.input_type.full_name


@pytest.mark.parametrize("symbol,kind", [
    ("cloudidl.cluster.ClusterService", "service"), ("cloudidl.queue.QueueService", "service"),
    (TEST_SERVICE, "service"), ("rpctest.v1.EchoRequest", "message"),
    (f"{CLUSTER_POOL_SERVICE}.Get", "method")])
def test_file_containing_other_symbols(channel, symbol, kind):
    (resp,) = reflect(channel, ReflectionRequest(file_containing_symbol=symbol))
    pool = build_pool(files_of(resp))
    find = {"service": pool.FindServiceByName, "message": pool.FindMessageTypeByName,
            "method": pool.FindMethodByName}[kind]
    assert find(symbol).full_name == symbol


def test_file_by_filename_returns_that_file(channel):
    (first,) = reflect(channel, ReflectionRequest(file_containing_symbol=CLUSTER_POOL_SERVICE))
    name = build_pool(files_of(first)).FindServiceByName(CLUSTER_POOL_SERVICE).file.name
    (resp,) = reflect(channel, ReflectionRequest(file_by_filename=name))
    files = files_of(resp)
    assert name in [f.name for f in files], (
        f"file_by_filename({name!r}) returned {[f.name for f in files]}")
    assert build_pool(files).FindServiceByName(CLUSTER_POOL_SERVICE).file.name == name


def test_several_requests_on_one_stream(channel):
    responses = reflect(channel, ReflectionRequest(list_services=""),
                        ReflectionRequest(file_containing_symbol=TEST_SERVICE),
                        ReflectionRequest(file_containing_symbol="no.such.Symbol"))
    assert [r.WhichOneof("message_response") for r in responses] == [
        "list_services_response", "file_descriptor_response", "error_response"]
    assert responses[1].original_request.file_containing_symbol == TEST_SERVICE


def test_unknown_symbol_is_not_found(channel):
    (resp,) = reflect(channel, ReflectionRequest(file_containing_symbol="no.such.Symbol"))
    assert resp.WhichOneof("message_response") == "error_response", str(resp)
    assert resp.error_response.error_code == NOT_FOUND, (
        f"error_code {resp.error_response.error_code}, want {NOT_FOUND} (NOT_FOUND)")
    assert resp.original_request.file_containing_symbol == "no.such.Symbol"


def test_unknown_filename_is_not_found(channel):
    (resp,) = reflect(channel, ReflectionRequest(file_by_filename="no/such/file.proto"))
    assert resp.WhichOneof("message_response") == "error_response", str(resp)
    assert resp.error_response.error_code == NOT_FOUND
