"""Every acknowledged Create survives a SIGKILL right after it: the server is killed with no
chance to flush anything, restarted on the same store (SQLite file or PostgreSQL database), and
must serve each pool."""
import signal
from concurrent.futures import ThreadPoolExecutor

import grpc

from server_process import ServerProcess
from test_clusterpool import cp, make_pool, pid  # noqa: F401  (cp is a fixture)


def test_acknowledged_creates_survive_sigkill(server_bin, start_server, database, tmp_path, cp):
    args = ["--database", database("durable.db")]
    victim = ServerProcess(server_bin, args, tmp_path / "victim.stderr.log")
    acknowledged = []
    try:
        with grpc.insecure_channel(victim.target) as ch:
            grpc.channel_ready_future(ch).result(timeout=10)
            stub = cp.grpc.ClusterPoolServiceStub(ch)

            def create(i):
                name = f"durable-{i:04d}"
                stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, name, uri=f"s3://bucket-{i}")),
                            timeout=30)
                return name

            with ThreadPoolExecutor(32) as ex:
                acknowledged = list(ex.map(create, range(500)))
            stub.Delete(cp.pool.DeleteRequest(id=pid(cp, "durable-0007")), timeout=10)
            victim.signal(signal.SIGKILL)  # right after the last acknowledgement
    finally:
        if victim.proc.poll() is None:
            victim.signal(signal.SIGKILL)
        assert victim.proc.wait(10) == -signal.SIGKILL
        victim._log.close()

    assert len(acknowledged) == 500
    restarted = start_server(*args, test_service=False)
    with grpc.insecure_channel(restarted.target) as ch:
        stub = cp.grpc.ClusterPoolServiceStub(ch)
        missing = []
        for i, name in enumerate(acknowledged):
            try:
                pool = stub.Get(cp.pool.GetRequest(id=pid(cp, name)), timeout=10).cluster_pool
                assert pool.config.object_store_ref.uri == f"s3://bucket-{i}"
            except grpc.RpcError as e:
                missing.append((name, e.code()))
        # the acknowledged delete is durable too
        assert missing == [("durable-0007", grpc.StatusCode.NOT_FOUND)], missing[:5]
