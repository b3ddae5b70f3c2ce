"""cloudidl.clusterpool.ClusterPoolService through grpcio, with requests encoded by Python protobuf
from our proto/: the seed's calls and every pool rule of rules.md with its status code."""
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import grpc
import pytest

import protogen

SERVICE = "cloudidl.clusterpool.ClusterPoolService"


@pytest.fixture(scope="session")
def cp(pb):  # pb generates every module of proto/ once per session
    pool = protogen.module("cloudidl/clusterpool/clusterpool.proto")
    common = protogen.module("cloudidl/common/common.proto")
    lst = protogen.module("cloudidl/common/list.proto")
    grpc_mod = protogen.module("cloudidl/clusterpool/clusterpool.proto", grpc=True)
    return SimpleNamespace(pool=pool, common=common, list=lst, grpc=grpc_mod)


@pytest.fixture
def pool_server(start_server, database):
    return start_server("--database", database("pools.db"), "--default-organization", "acme",
                        "--default-identity", "py-tester", test_service=False)


@pytest.fixture
def stub(pool_server, cp):
    with grpc.insecure_channel(pool_server.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield cp.grpc.ClusterPoolServiceStub(ch)


def make_pool(cp, name, uri="s3://my-prod-bucket/prefix", type_=1, locator="us-east-1",
              registry="123456789012.dkr.ecr.us-east-1.amazonaws.com/union", org="", members=()):
    c = cp.common
    return cp.pool.ClusterPool(
        id=c.ClusterPoolIdentifier(organization=org, name=name),
        member_clusters=[c.ClusterIdentifier(organization=org, name=m) for m in members],
        config=c.ClusterPoolConfig(
            object_store_ref=c.ObjectStoreRef(uri=uri),
            secret_store=c.SecretStore(type=type_, locator=locator),
            image_registry=c.ImageRegistry(locator=registry)))


def pid(cp, name, org=""):
    return cp.common.ClusterPoolIdentifier(organization=org, name=name)


def code_of(fn):
    try:
        fn()
    except grpc.RpcError as e:
        return e.code(), e.details()
    return grpc.StatusCode.OK, ""


def names(resp):
    return [p.id.name for p in resp.cluster_pools]


def test_seed_calls(stub, cp):
    stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, "prod")), timeout=10)
    pool = stub.Get(cp.pool.GetRequest(id=pid(cp, "prod")), timeout=10).cluster_pool
    assert pool.id.organization == "acme" and pool.id.name == "prod"
    assert list(pool.member_clusters) == []
    assert pool.config.object_store_ref.uri == "s3://my-prod-bucket/prefix"
    assert pool.config.secret_store.type == cp.common.SecretStore.SECRET_STORE_TYPE_AWS_SECRETS_MANAGER
    assert pool.config.secret_store.locator == "us-east-1"
    assert pool.config.image_registry.locator == "123456789012.dkr.ecr.us-east-1.amazonaws.com/union"
    assert pool.authorship.created_by.user.id.subject == "py-tester"
    assert not pool.HasField("deleted_at")

    listed = stub.List(cp.pool.ListRequest(request=cp.list.ListRequest(limit=100)), timeout=10)
    assert names(listed) == ["default", "prod"] and listed.token == ""

    pool.config.object_store_ref.uri = "gs://moved"
    stub.Update(cp.pool.UpdateRequest(cluster_pool=pool), timeout=10)
    assert stub.Get(cp.pool.GetRequest(id=pid(cp, "prod"))).cluster_pool.config.object_store_ref.uri == "gs://moved"

    stub.Delete(cp.pool.DeleteRequest(id=pid(cp, "prod")), timeout=10)
    assert code_of(lambda: stub.Get(cp.pool.GetRequest(id=pid(cp, "prod"))))[0] == grpc.StatusCode.NOT_FOUND
    deleted = stub.List(cp.pool.ListRequest(request=cp.list.ListRequest(
        filters=[cp.list.Filter(function=cp.list.Filter.EXISTS, field="deleted_at")])))
    assert names(deleted) == ["prod"] and deleted.cluster_pools[0].HasField("deleted_at")
    restored = stub.Undelete(cp.pool.UndeleteRequest(id=pid(cp, "prod")), timeout=10).cluster_pool
    assert restored.config.object_store_ref.uri == "gs://moved"
    assert not restored.HasField("deleted_at")


def test_default_pool(stub, cp):
    default = stub.Get(cp.pool.GetRequest(id=pid(cp, "default", org="fresh-org"))).cluster_pool
    assert default.id.organization == "fresh-org"
    assert default.config.object_store_ref.uri == "file:///var/lib/clusterpool/default"
    assert default.config.secret_store.type == cp.common.SecretStore.SECRET_STORE_TYPE_KUBERNETES
    code, details = code_of(lambda: stub.Delete(cp.pool.DeleteRequest(id=pid(cp, "default"))))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and "cannot be deleted" in details
    assert code_of(lambda: stub.Create(cp.pool.CreateRequest(
        cluster_pool=make_pool(cp, "default"))))[0] == grpc.StatusCode.ALREADY_EXISTS


@pytest.mark.parametrize("mutate,expected", [
    (lambda p: setattr(p.id, "name", "Bad_Name"), "is invalid"),
    (lambda p: setattr(p.id, "name", "a" * 64), "1-63"),
    (lambda p: setattr(p.config.secret_store, "type", 0), "secret_store.type is required: it must be one of "
     "AWS_SECRETS_MANAGER, GCP_SECRET_MANAGER, AZURE_KEY_VAULT, KUBERNETES, VAULT, OCI_VAULT"),
    (lambda p: setattr(p.config.secret_store, "type", 77), "cluster_pool.config.secret_store.type: unknown enum value 77"),
    (lambda p: setattr(p.config.object_store_ref, "uri", ""), "object_store_ref.uri is required"),
    (lambda p: setattr(p.config.object_store_ref, "uri", "ftp://x/y"), "is not an object store"),
    (lambda p: setattr(p.config.object_store_ref, "endpoint", "minio:9000"), "http(s) URL"),
    (lambda p: setattr(p.config.image_registry, "locator", "https://ghcr.io/x"), "image_registry.locator"),
    (lambda p: setattr(p.config.secret_store, "locator", "x" * 1025), "at most 1024 bytes"),
    (lambda p: setattr(p.config.secret_store, "locator", "tab\there"), "control character"),
    (lambda p: p.member_clusters.add(name="c1"), "membership is set by registering clusters"),
    (lambda p: p.ClearField("config"), "config is required"),
])
def test_create_validation(stub, cp, mutate, expected):
    pool = make_pool(cp, "candidate")
    mutate(pool)
    code, details = code_of(lambda: stub.Create(cp.pool.CreateRequest(cluster_pool=pool), timeout=10))
    assert code == grpc.StatusCode.INVALID_ARGUMENT, details
    assert expected in details
    assert names(stub.List(cp.pool.ListRequest())) == ["default"], "no partial write"


def test_existence_rules(stub, cp):
    create = lambda: stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, "p")))
    create()
    assert code_of(create)[0] == grpc.StatusCode.ALREADY_EXISTS
    stub.Delete(cp.pool.DeleteRequest(id=pid(cp, "p")))
    code, details = code_of(create)
    assert code == grpc.StatusCode.ALREADY_EXISTS and "undelete" in details
    assert code_of(lambda: stub.Update(cp.pool.UpdateRequest(
        cluster_pool=make_pool(cp, "p"))))[0] == grpc.StatusCode.NOT_FOUND
    assert code_of(lambda: stub.Delete(cp.pool.DeleteRequest(id=pid(cp, "p"))))[0] == grpc.StatusCode.NOT_FOUND
    assert code_of(lambda: stub.Undelete(cp.pool.UndeleteRequest(id=pid(cp, "nope"))))[0] == grpc.StatusCode.NOT_FOUND
    stub.Undelete(cp.pool.UndeleteRequest(id=pid(cp, "p")))
    assert code_of(lambda: stub.Undelete(cp.pool.UndeleteRequest(id=pid(cp, "p"))))[0] == grpc.StatusCode.NOT_FOUND
    assert code_of(lambda: stub.Get(cp.pool.GetRequest(id=pid(cp, "p", org="other"))))[0] == grpc.StatusCode.NOT_FOUND


def test_list_filters(stub, cp):
    for n in ["prod", "prod-eu", "staging", "dev-eu"]:
        stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, n)))
    F = cp.list.Filter

    def run(*filters):
        return names(stub.List(cp.pool.ListRequest(request=cp.list.ListRequest(filters=list(filters)))))

    assert run(F(function=F.EQUAL, field="name", values=["prod"])) == ["prod"]
    assert run(F(function=F.CONTAINS, field="name", values=["od"])) == ["prod", "prod-eu"]
    assert run(F(function=F.VALUE_NOT_IN, field="name", values=["prod", "default"])) == ["dev-eu", "prod-eu", "staging"]
    assert run(F(function=F.ENDS_WITH, field="name", values=["-eu"])) == ["dev-eu", "prod-eu"]
    code, details = code_of(lambda: run(F(function=F.EQUAL, field="owner", values=["x"])))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "owner" in details
    assert code_of(lambda: run(F(function=F.LESS_THAN, field="name", values=["x"])))[0] == grpc.StatusCode.INVALID_ARGUMENT


def test_pagination_under_concurrent_changes(stub, cp):
    stable = [f"pool-{i * 4:05d}" for i in range(300)]
    ephemeral = [f"pool-{i * 4 + 1:05d}" for i in range(60)]
    with ThreadPoolExecutor(16) as ex:
        list(ex.map(lambda n: stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, n)), timeout=30),
                    stable + ephemeral))
    seen, token, page = [], "", 0
    while True:
        resp = stub.List(cp.pool.ListRequest(request=cp.list.ListRequest(limit=25, token=token)))
        seen += names(resp)
        token = resp.token
        for n in ephemeral[page * 4:page * 4 + 4]:
            stub.Delete(cp.pool.DeleteRequest(id=pid(cp, n)))
        for j in range(4):
            stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, f"pool-{(j * 300 + page * 13) % 1200:05d}-n{page}")))
        page += 1
        if not token:
            break
    assert len(seen) == len(set(seen)), "a pool was listed twice"
    assert set(stable) | {"default"} <= set(seen)
    assert seen == sorted(seen)


def test_two_hundred_concurrent_creates_have_one_winner(stub, cp):
    futures = [stub.Create.future(cp.pool.CreateRequest(cluster_pool=make_pool(cp, "contended", uri=f"s3://b{i}")),
                                  timeout=60) for i in range(200)]
    codes = []
    for f in futures:
        try:
            f.result()
            codes.append(grpc.StatusCode.OK)
        except grpc.RpcError as e:
            codes.append(e.code())
    assert codes.count(grpc.StatusCode.OK) == 1
    assert codes.count(grpc.StatusCode.ALREADY_EXISTS) == 199


def test_malformed_request_is_invalid_argument(pool_server):
    with grpc.insecure_channel(pool_server.target) as ch:
        call = ch.unary_unary(f"/{SERVICE}/Get", request_serializer=lambda b: b, response_deserializer=lambda b: b)
        with pytest.raises(grpc.RpcError) as err:
            call(b"\x0a\x05\x12", timeout=10)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
