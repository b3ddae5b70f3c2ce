"""The Python snippets of the cluster-pools guide, run with the official SDK against a local
server started by the `clusterpool_server` fixture (conftest.py)."""

REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/union"

INSPECT = """
    from flyteplugins.union.remote import ClusterPool

    for pool in ClusterPool.listall(limit=100):
        print(pool.name, pool.member_clusters, pool.object_store_uri, pool.secret_store_type)

    pool = ClusterPool.get("prod")
    print(pool.name)
    print(pool.member_clusters)
    print(pool.object_store_uri)
    print(pool.secret_store_type)
    print(pool.image_registry)
"""


def test_the_guides_snippets(clusterpool_server):
    server = clusterpool_server
    server.run_python("""
        from flyteplugins.union.remote import ClusterPool

        ClusterPool.create(
            "prod",
            object_store_uri="s3://my-prod-bucket/prefix",
            secret_store_type="AWS_SECRETS_MANAGER",
            secret_store_locator="us-east-1",
            image_registry="123456789012.dkr.ecr.us-east-1.amazonaws.com/union",
        )
    """)
    assert server.run_python(INSPECT).splitlines()[1:] == [
        "prod [] s3://my-prod-bucket/prefix AWS_SECRETS_MANAGER",
        "prod", "[]", "s3://my-prod-bucket/prefix", "AWS_SECRETS_MANAGER", REGISTRY]

    server.run_python("""
        from flyteplugins.union.remote import Cluster

        Cluster.create("prod-us-east-1", cluster_pool_name="prod")
    """)
    assert server.run_python(INSPECT).splitlines()[1] == (
        "prod ['prod-us-east-1'] s3://my-prod-bucket/prefix AWS_SECRETS_MANAGER")

    # deleting a pool is refused while a cluster is a member; after the cluster is deleted it works
    refused = server.run_python("""
        from connectrpc.errors import ConnectError
        from flyteplugins.union.remote import ClusterPool

        try:
            ClusterPool.delete("prod")
        except ConnectError as e:
            print(e.code.name)
    """)
    assert refused.strip() == "FAILED_PRECONDITION"
    assert server.run_python("""
        from flyteplugins.union.remote import Cluster, ClusterPool

        Cluster.delete("prod-us-east-1")
        ClusterPool.delete("prod")
        print([pool.name for pool in ClusterPool.listall(limit=100)])
    """) == "['default']\n"


def test_each_test_gets_a_fresh_server(clusterpool_server):
    """Nothing of the other test's pools is here."""
    out = clusterpool_server.run_python("""
        from flyteplugins.union.remote import ClusterPool

        print([pool.name for pool in ClusterPool.listall(limit=100)])
    """)
    assert out == "['default']\n"
