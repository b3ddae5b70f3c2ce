"""Heartbeat and UpdateStatus over HTTP/1.1 (Connect unary, Python's http.client) and HTTP/2
(grpcio) on one server: a report that changes nothing durable is answered on the event loop
(issue 13, the heartbeat's CPU), the rest (a first report, an unknown cluster, an invalid
load) by the full handler; both answer alike on both transports and the health they record
reads back."""
import http.client
import json

import grpc
import pytest


CLUSTERS = "/cloudidl.cluster.ClusterService"


def connect(conn: http.client.HTTPConnection, method: str, message) -> tuple[int, bytes]:
    """A Connect unary call on a kept-alive HTTP/1.1 connection: (HTTP status, body)."""
    conn.request("POST", f"{CLUSTERS}/{method}", body=message.SerializeToString(),
                 headers={"Content-Type": "application/proto", "Connect-Protocol-Version": "1"})
    resp = conn.getresponse()
    return resp.status, resp.read()


def test_reports_answer_alike_over_http1_and_http2(start_server, database, cl):
    srv = start_server("--database", database("beats.db"), "--default-organization", "acme",
                       "--default-identity", "py-tester", test_service=False)
    c, cid = cl.common, cl.common.ClusterIdentifier
    with grpc.insecure_channel(srv.target) as ch:
        clusters = cl.grpc.ClusterServiceStub(ch)
        cl.pool_grpc.ClusterPoolServiceStub(ch).Create(cl.pool.CreateRequest(cluster_pool=cl.pool.ClusterPool(
            id=c.ClusterPoolIdentifier(name="prod"),
            config=c.ClusterPoolConfig(object_store_ref=c.ObjectStoreRef(uri="s3://prod-bucket"),
                                       secret_store=c.SecretStore(type=1)))), timeout=10)
        for name in ("h1", "h2"):
            clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(name=name), cluster_pool_name="prod"),
                                   timeout=10)

        def health(name):
            return clusters.GetCluster(cl.cluster.GetRequest(cluster_id=cid(name=name)), timeout=10).cluster.status

        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        try:
            # the first report (a durable write), then reports recorded at once, on one connection
            for _ in range(3):
                assert connect(conn, "Heartbeat", cl.cluster.HeartbeatRequest(cluster_id=cid(name="h1"))) == (200, b"")
                clusters.Heartbeat(cl.cluster.HeartbeatRequest(cluster_id=cid(name="h2")), timeout=10)
            assert health("h1").health == health("h2").health == cl.cluster.Status.HEALTHY

            status, body = connect(conn, "Heartbeat", cl.cluster.HeartbeatRequest(cluster_id=cid(name="nope")))
            assert status == 404 and json.loads(body)["code"] == "not_found"
            with pytest.raises(grpc.RpcError) as missing:
                clusters.Heartbeat(cl.cluster.HeartbeatRequest(cluster_id=cid(name="nope")), timeout=10)
            assert missing.value.code() == grpc.StatusCode.NOT_FOUND
            assert json.loads(body)["message"] == missing.value.details()

            # a drifting data plane reported at once reads UNHEALTHY with its reason
            drift = cl.cluster.Status(operator_cluster_data=cl.cluster.OperatorClusterData(
                metadata_object_store_ref=c.ObjectStoreRef(uri="s3://elsewhere"), secret_store=c.SecretStore(type=1)))
            assert connect(conn, "UpdateStatus", cl.cluster.UpdateStatusRequest(cluster_id=cid(name="h1"), status=drift)) \
                == (200, b"")
            clusters.UpdateStatus(cl.cluster.UpdateStatusRequest(cluster_id=cid(name="h2"), status=drift), timeout=10)
            for name in ("h1", "h2"):
                read = health(name)
                assert read.health == cl.cluster.Status.UNHEALTHY
                assert any("s3://elsewhere" in r for r in read.unhealthy_reasons), read

            # an invalid load: INVALID_ARGUMENT from the full handler, on both
            bad = cl.cluster.Status(capabilities=cl.cluster.Capabilities(
                execution_load=cl.cluster.ExecutionLoad(active_executions_count=-1)))
            status, body = connect(conn, "UpdateStatus", cl.cluster.UpdateStatusRequest(cluster_id=cid(name="h1"), status=bad))
            assert status == 400 and json.loads(body)["code"] == "invalid_argument"
            with pytest.raises(grpc.RpcError) as invalid:
                clusters.UpdateStatus(cl.cluster.UpdateStatusRequest(cluster_id=cid(name="h2"), status=bad), timeout=10)
            assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        finally:
            conn.close()
