"""Seeds a running clusterpool-server with the benchmark peers' data set, over gRPC.

  bench-seed.py HOST:PORT [--pools N] [--clusters-per-pool K] [--org acme] [--concurrency C] [--bearer TOKEN]
  bench-seed.py HOST:PORT --request-body OUT      write the Get acme/pool-0042 request body
  bench-seed.py HOST:PORT --list-body OUT         write a List acme limit=100 request body

Pools `<org>/pool-0000` ... with the config of ../shared/bench (object store
s3://acme-pools/<name> at https://s3.us-east-1.amazonaws.com, AWS Secrets Manager secret
arn:aws:secretsmanager:us-east-1:123456789012:secret:<name>, registry
123456789012.dkr.ecr.us-east-1.amazonaws.com/acme) and, when the server serves
ClusterService, K member clusters `<name>-cluster-{0..K-1}` each. Every write is a real durable
Create; the script also reports the durable Create rate it saw. Existing pools are skipped
(ALREADY_EXISTS), so seeding is idempotent. --bearer sends authorization: Bearer TOKEN with
every call (a server with --auth on: an API key or an access token allowed to create).
"""
import argparse
import pathlib
import struct
import sys
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "interop"))

import grpc  # noqa: E402
import protogen  # noqa: E402


def frame(message: bytes) -> bytes:
    return struct.pack(">BI", 0, len(message)) + message


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("--pools", type=int, default=1000)
    ap.add_argument("--clusters-per-pool", type=int, default=3)
    ap.add_argument("--org", default="acme")
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--bearer")
    ap.add_argument("--request-body")
    ap.add_argument("--list-body")
    args = ap.parse_args()

    import tempfile
    protogen.generate(pathlib.Path(tempfile.mkdtemp(prefix="bench-seed-")), skip=("grpc/",))
    from cloudidl.clusterpool import clusterpool_pb2 as cp, clusterpool_pb2_grpc as cp_grpc
    from cloudidl.common import common_pb2 as cm, list_pb2 as lm

    if args.request_body:
        req = cp.GetRequest(id=cm.ClusterPoolIdentifier(organization=args.org, name="pool-0042"))
        pathlib.Path(args.request_body).write_bytes(frame(req.SerializeToString()))
        return
    if args.list_body:
        req = cp.ListRequest(organization=args.org, request=lm.ListRequest(limit=100))
        pathlib.Path(args.list_body).write_bytes(frame(req.SerializeToString()))
        return

    channel = grpc.insecure_channel(args.target)
    grpc.channel_ready_future(channel).result(timeout=10)
    pools = cp_grpc.ClusterPoolServiceStub(channel)

    def pool(i: int):
        name = f"pool-{i:04d}"
        return cp.ClusterPool(
            id=cm.ClusterPoolIdentifier(organization=args.org, name=name),
            config=cm.ClusterPoolConfig(
                object_store_ref=cm.ObjectStoreRef(uri=f"s3://acme-pools/{name}",
                                                   endpoint="https://s3.us-east-1.amazonaws.com"),
                secret_store=cm.SecretStore(
                    type=cm.SecretStore.SECRET_STORE_TYPE_AWS_SECRETS_MANAGER,
                    locator=f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{name}"),
                image_registry=cm.ImageRegistry(locator="123456789012.dkr.ecr.us-east-1.amazonaws.com/acme")))

    metadata = [("authorization", f"Bearer {args.bearer}")] if args.bearer else None

    def create(i: int) -> bool:
        try:
            pools.Create(cp.CreateRequest(cluster_pool=pool(i)), timeout=30, metadata=metadata)
            return True
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.ALREADY_EXISTS:
                return False
            raise

    start = time.monotonic()
    with ThreadPoolExecutor(args.concurrency) as ex:
        created = sum(ex.map(create, range(args.pools)))
    elapsed = time.monotonic() - start
    rate = created / elapsed if created else 0
    print(f"pools: {created} created ({args.pools - created} existed) in {elapsed:.1f}s: "
          f"{rate:.0f} durable creates/s at concurrency {args.concurrency}")

    try:
        from cloudidl.cluster import cluster_pb2 as cl, cluster_pb2_grpc as cl_grpc
        clusters = cl_grpc.ClusterServiceStub(channel)

        def register(job):
            i, j = job
            name = f"pool-{i:04d}"
            try:
                clusters.CreateCluster(cl.CreateClusterRequest(
                    cluster_id=cm.ClusterIdentifier(organization=args.org, name=f"{name}-cluster-{j}"),
                    cluster_pool_name=name), timeout=30, metadata=metadata)
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.ALREADY_EXISTS:
                    raise
        jobs = [(i, j) for i in range(args.pools) for j in range(args.clusters_per_pool)]
        start = time.monotonic()
        with ThreadPoolExecutor(args.concurrency) as ex:
            list(ex.map(register, jobs))
        print(f"clusters: {len(jobs)} registered in {time.monotonic() - start:.1f}s")
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.UNIMPLEMENTED:
            raise
        print("clusters: ClusterService not served; pools have no member clusters")


if __name__ == "__main__":
    main()
