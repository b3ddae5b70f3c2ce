"""`clusterpool-server migrate --from FILE --to postgres://...`: an SQLite store made by a real
server through real calls is copied into a fresh PostgreSQL database; a server on the copy answers
every Get and List as the server on the file does, and hands out revisions above the copied ones.
A target holding rows, a source held by a running server and a missing source are refused;
--dry-run writes nothing; the password is never printed."""
import os
import re
import sqlite3
import subprocess
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import grpc
import pytest

from postgres_process import psql
from server_process import ServerProcess
from test_queue_caps import caps  # noqa: F401  (fixture)
from test_identity import connect as connect_identity, idl, user_identity  # noqa: F401  (idl is a fixture)
from test_queues import ql  # noqa: F401  (fixture)

COPIED = re.compile(r"^copied (\d+) pools?, (\d+) clusters?, (\d+) queues?, (\d+) health rows?"
                    r"(?:, \d+ identity rows?)?(?:, \d+ signing keys?)?(?:, \d+ audit records?)?; revision (\d+); verified$")
FLAGS = ("--default-organization", "acme", "--default-identity", "py-tester", "--health-save-interval", "3600")


def migrate(server_bin, *args, env=None, timeout=60):
    return subprocess.run([str(server_bin), "migrate", *args], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout, env=env)


def without_password(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", "@"))), parts.password


def error_of(done) -> str:
    assert done.returncode == 1, f"exit {done.returncode}, want 1\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, done.stderr
    return errors[0]


def has_tables(url: str) -> bool:
    return psql(url, "SELECT to_regclass('cluster_pools') IS NOT NULL").strip() == "t"


def connect(srv, ql):
    ch = grpc.insecure_channel(srv.target)
    grpc.channel_ready_future(ch).result(timeout=10)
    return ch, SimpleNamespace(queues=ql.grpc.QueueServiceStub(ch), clusters=ql.cluster_grpc.ClusterServiceStub(ch),
                               pools=ql.pool_grpc.ClusterPoolServiceStub(ch))


def populate(stubs, ql, caps):
    """Pools (one deleted, the default one changed), clusters (drained, deleted, reporting),
    queues (caps, a pin, one deleted), through the API."""
    c, cl, q = ql.common, ql.cluster, ql.queue
    res, gpu, tasks = caps

    def pool(name, uri):
        return ql.pool.ClusterPool(id=c.ClusterPoolIdentifier(name=name), config=c.ClusterPoolConfig(
            object_store_ref=c.ObjectStoreRef(uri=uri), secret_store=c.SecretStore(type=1, locator="us-east-1"),
            image_registry=c.ImageRegistry(locator="ghcr.io/acme")))

    for name in ["prod", "staging", "old"]:
        stubs.pools.Create(ql.pool.CreateRequest(cluster_pool=pool(name, f"s3://{name}-bucket")), timeout=10)
    stubs.pools.Delete(ql.pool.DeleteRequest(id=c.ClusterPoolIdentifier(name="old")), timeout=10)
    stubs.pools.Update(ql.pool.UpdateRequest(cluster_pool=pool("default", "s3://default-bucket")), timeout=10)

    cid = lambda name: c.ClusterIdentifier(name=name)  # noqa: E731
    for name, in_pool in [("c1", "prod"), ("c2", "prod"), ("c3", "prod"), ("c4", "staging"), ("c5", "staging")]:
        stubs.clusters.CreateCluster(cl.CreateClusterRequest(cluster_id=cid(name), cluster_pool_name=in_pool), timeout=10)
    state = lambda name, s, gen: stubs.clusters.UpdateClusterState(  # noqa: E731
        cl.UpdateClusterStateRequest(cluster_id=cid(name), state=s, expected_generation=gen), timeout=10).cluster
    state("c3", cl.CLUSTER_STATE_DRAINING, 1)  # never reported: DRAINED at once
    drained = state("c4", cl.CLUSTER_STATE_DRAINING, 1)
    stubs.clusters.DeleteCluster(cl.DeleteRequest(cluster_id=cid("c4"), expected_generation=drained.drain_status.generation),
                                 timeout=10)
    stubs.clusters.Heartbeat(cl.HeartbeatRequest(cluster_id=cid("c1")), timeout=10)
    data = cl.OperatorClusterData(metadata_object_store_ref=c.ObjectStoreRef(uri="s3://elsewhere"),
                                  secret_store=c.SecretStore(type=1))
    stubs.clusters.UpdateStatus(cl.UpdateStatusRequest(cluster_id=cid("c2"), status=cl.Status(operator_cluster_data=data)),
                                timeout=10)

    qid = lambda name: c.QueueIdentifier(name=name)  # noqa: E731

    def create(name, in_pool, **kw):
        spec = q.QueueSpec(run_concurrency=10, action_concurrency=100, cluster_pool_name=in_pool, **kw)
        stubs.queues.CreateQueue(q.CreateQueueRequest(id=qid(name), spec=spec, state=q.QUEUE_STATE_ACTIVE), timeout=10)

    create("gpu", "prod", max_resources=[res("CPU", "4"), res("MEMORY", "16Gi")],
           max_accelerators=[gpu("nvidia-h100", 8, model=tasks.NVIDIA_H100), gpu("nvidia-a100", 3, partition="1g.5gb")],
           scheduling=q.SCHEDULING_ALGORITHM_GREEDY_CAPACITY)
    create("pinned", "prod", clusters=["c1"])
    create("gone", "staging")
    stubs.queues.UpdateQueueState(q.UpdateQueueStateRequest(id=qid("gone"), state=q.QUEUE_STATE_DRAINING), timeout=10)
    stubs.queues.DeleteQueue(q.DeleteQueueRequest(id=qid("gone")), timeout=10)


def answers(stubs, ql):
    """Every Get and List the store answers, as (status, details, serialized response)."""
    c, cl, q = ql.common, ql.cluster, ql.queue

    def call(fn, request):
        try:
            return ("OK", "", fn(request, timeout=10).SerializeToString(deterministic=True))
        except grpc.RpcError as e:
            return (e.code().name, e.details(), b"")

    got = {}
    for name in ["default", "prod", "staging", "old", "never"]:
        got[f"pool {name}"] = call(stubs.pools.Get, ql.pool.GetRequest(id=c.ClusterPoolIdentifier(name=name)))
    got["pools"] = call(stubs.pools.List, ql.pool.ListRequest(request=ql.list.ListRequest(limit=100)))
    for name in ["c1", "c2", "c3", "c4", "c5"]:
        for deleted in (False, True):
            got[f"cluster {name} {deleted}"] = call(
                stubs.clusters.GetCluster, cl.GetRequest(cluster_id=c.ClusterIdentifier(name=name), include_deleted=deleted))
    got["clusters"] = call(stubs.clusters.ListClusters, cl.ListRequest(request=ql.list.ListRequest(limit=100)))
    got["cluster count"] = call(stubs.clusters.Count, cl.CountRequest())
    for name in ["default", "gpu", "pinned", "gone", "c1", "c4", "c5"]:
        got[f"queue {name}"] = call(stubs.queues.GetQueue, q.GetQueueRequest(id=c.QueueIdentifier(name=name)))
    got["queues"] = call(stubs.queues.ListQueues, q.ListQueuesRequest(request=ql.list.ListRequest(limit=100)))
    return got


def sqlite_counts(path) -> tuple[int, int, int, int, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        count = lambda table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
        revision = max(db.execute("SELECT coalesce(max(revision), 0) FROM cluster_pools").fetchone()[0],
                       db.execute("SELECT value FROM store_info WHERE key = 'revision'").fetchone()[0])
        return count("cluster_pools"), count("clusters"), count("queues"), count("cluster_health"), revision


def test_round_trip_answers_every_get_and_list_as_the_file_did(server_bin, start_server, tmp_path, postgres_database,
                                                               ql, caps):  # noqa: F811
    source = tmp_path / "pools.db"
    srv = start_server("--database", str(source), *FLAGS, test_service=False)
    ch, stubs = connect(srv, ql)
    populate(stubs, ql, caps)
    ch.close()
    assert srv.stop() == 0  # the health is saved at shutdown
    counts = sqlite_counts(source)
    assert counts[3] == 2 and counts[4] > 0, counts

    bare, password = without_password(postgres_database)
    secret = tmp_path / "pgpass"
    secret.write_text(password + "\n")
    env = {k: v for k, v in os.environ.items() if k != "CLUSTERPOOL_DATABASE_PASSWORD"}
    done = migrate(server_bin, "--from", str(source), "--to", bare, "--database-password-file", str(secret),
                   "--log-level", "trace", env=env)
    assert done.returncode == 0, done.stderr[-4000:]
    assert password not in done.stdout + done.stderr
    copied = COPIED.match(done.stdout.strip())
    assert copied, done.stdout
    assert tuple(int(n) for n in copied.groups()) == counts
    revision = counts[4]

    on_file = start_server("--database", str(source), *FLAGS, test_service=False)
    on_postgres = start_server("--database", postgres_database, *FLAGS, test_service=False)
    file_channel, file_stubs = connect(on_file, ql)
    pg_channel, pg_stubs = connect(on_postgres, ql)
    expected, actual = answers(file_stubs, ql), answers(pg_stubs, ql)
    assert [key for key in expected if expected[key] != actual[key]] == []
    assert expected["cluster c4 True"][0] == "OK" and expected["cluster c4 False"][0] == "NOT_FOUND"
    assert expected["pool old"][0] == "NOT_FOUND" and expected["queue gpu"][0] == "OK"

    # a new write on the copy gets a revision above the copied ones
    created = ql.pool.ClusterPool(id=ql.common.ClusterPoolIdentifier(name="fresh"), config=ql.common.ClusterPoolConfig(
        object_store_ref=ql.common.ObjectStoreRef(uri="s3://fresh"), secret_store=ql.common.SecretStore(type=1)))
    pg_stubs.pools.Create(ql.pool.CreateRequest(cluster_pool=created), timeout=10)
    written = int(psql(postgres_database, "SELECT revision FROM cluster_pools WHERE name = 'fresh'").strip())
    assert written > revision
    assert int(psql(postgres_database, "SELECT max(revision) FROM change_log").strip()) == written
    file_channel.close()
    pg_channel.close()


def make_source(start_server, tmp_path, ql) -> str:
    source = tmp_path / "small.db"
    srv = start_server("--database", str(source), *FLAGS, test_service=False)
    ch, stubs = connect(srv, ql)
    pool = ql.pool.ClusterPool(id=ql.common.ClusterPoolIdentifier(name="prod"), config=ql.common.ClusterPoolConfig(
        object_store_ref=ql.common.ObjectStoreRef(uri="s3://prod"), secret_store=ql.common.SecretStore(type=1)))
    stubs.pools.Create(ql.pool.CreateRequest(cluster_pool=pool), timeout=10)
    ch.close()
    assert srv.stop() == 0
    return str(source)


def test_a_target_holding_rows_is_refused_naming_them(server_bin, start_server, tmp_path, postgres_database, ql):
    source = make_source(start_server, tmp_path, ql)
    assert migrate(server_bin, "--from", source, "--to", postgres_database).returncode == 0
    before = psql(postgres_database, "SELECT name, revision, updated_at_ns FROM cluster_pools ORDER BY name")
    for args in ([], ["--dry-run"]):
        error = error_of(migrate(server_bin, "--from", source, "--to", postgres_database, *args))
        assert "is not empty: it holds 2 pools, 1 change-log row" in error and "empty database only" in error, error
        assert urlsplit(postgres_database).password not in error
    assert psql(postgres_database, "SELECT name, revision, updated_at_ns FROM cluster_pools ORDER BY name") == before


def test_a_source_held_by_a_running_server_is_refused(server_bin, start_server, tmp_path, postgres_database, ql):
    source = make_source(start_server, tmp_path, ql)
    running = start_server("--database", source, *FLAGS, test_service=False)
    error = error_of(migrate(server_bin, "--from", source, "--to", postgres_database))
    assert f"database {source} is in use by another clusterpool-server (pid {running.pid})" in error, error
    assert not has_tables(postgres_database)


def test_a_missing_source_is_refused_and_not_created(server_bin, tmp_path, postgres_database):
    missing = tmp_path / "missing.db"
    error = error_of(migrate(server_bin, "--from", str(missing), "--to", postgres_database))
    assert error == f"Error: cannot read --from {missing}: no such file"
    assert list(tmp_path.iterdir()) == []


def test_dry_run_counts_and_writes_nothing(server_bin, start_server, tmp_path, postgres_database, ql):
    source = make_source(start_server, tmp_path, ql)
    done = migrate(server_bin, "--from", source, "--to", postgres_database, "--dry-run")
    assert done.returncode == 0, done.stderr
    # prod and the default pool (stored with the first pool write)
    assert re.match(r"would copy 2 pools, 0 clusters, 0 queues, 0 health rows, 1 signing key, 1 audit record; revision \d+; into postgres://",
                    done.stdout), \
        done.stdout
    assert ":***@" in done.stdout and urlsplit(postgres_database).password not in done.stdout
    assert not has_tables(postgres_database)


def test_a_target_that_is_not_postgres_is_a_usage_error(server_bin, tmp_path):
    done = migrate(server_bin, "--from", str(tmp_path / "x.db"), "--to", str(tmp_path / "y.db"))
    assert done.returncode == 64 and "--to must be a postgres:// or postgresql:// URL" in done.stderr, done.stderr


def test_the_servers_database_flag_is_refused_naming_from_and_to(server_bin, tmp_path):
    done = migrate(server_bin, "--from", str(tmp_path / "x.db"), "--database", str(tmp_path / "y.db"), "--to", "postgres://a@127.0.0.1:1/x")
    assert done.returncode == 64 and "--database is the server's: migrate reads --from FILE and writes --to URL" \
        in done.stderr, done.stderr


def test_a_copy_failing_midway_leaves_nothing_and_can_be_run_again(server_bin, start_server, tmp_path,
                                                                   postgres_database, ql):
    source = make_source(start_server, tmp_path, ql)
    # the schema as a server makes it (no rows), then a trigger refusing the second pool row:
    # the first one is written by then, and must be rolled back with it
    assert start_server("--database", postgres_database, *FLAGS, test_service=False).stop() == 0
    assert psql(postgres_database, "SELECT count(*) FROM cluster_pools").strip() == "0"
    psql(postgres_database, """
        CREATE FUNCTION refuse_prod() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused by the test''s trigger'; END $$;
        CREATE TRIGGER refuse_prod BEFORE INSERT ON cluster_pools FOR EACH ROW
          WHEN (NEW.name = 'prod') EXECUTE FUNCTION refuse_prod();
        """)
    error = error_of(migrate(server_bin, "--from", source, "--to", postgres_database))
    assert "copy the rows" in error and "refused by the test's trigger" in error, error
    for table in ("cluster_pools", "clusters", "queues", "cluster_health", "change_log"):
        assert psql(postgres_database, f"SELECT count(*) FROM {table}").strip() == "0", table
    assert psql(postgres_database, "SELECT value FROM store_info WHERE key = 'revision'").strip() == "0"

    psql(postgres_database, "DROP TRIGGER refuse_prod ON cluster_pools")
    done = migrate(server_bin, "--from", source, "--to", postgres_database)
    assert done.returncode == 0 and COPIED.match(done.stdout.strip()), done.stderr


def test_identity_objects_are_copied_and_verified(server_bin, start_server, tmp_path, postgres_database, idl):  # noqa: F811
    """API keys (their secret's digest), roles, policies, users and assignments are copied with the
    rest, counted, and compared row by row (bodies as JSON: PostgreSQL's jsonb formats them its own
    way); a server on the copy reads them as the one on the file does."""
    source = tmp_path / "identity.db"
    srv = start_server("--database", str(source), *FLAGS, test_service=False)
    ch, s = connect_identity(srv, idl)
    secret = s.apps.Create(idl.app.CreateAppRequest(client_id="ci", client_name="ci"), timeout=10).app.client_secret
    ops = idl.common.RoleIdentifier(name="ops")
    s.roles.CreateRole(idl.role.CreateRoleRequest(role=idl.crole.Role(id=ops, actions=[12, 19])), timeout=10)
    binding = idl.cpolicy.PolicyBinding(role_id=ops, resource=idl.authn.Resource(
        cluster=idl.common.ClusterIdentifier(name="c1")))
    s.policies.CreatePolicy(idl.policy.CreatePolicyRequest(policy=idl.cpolicy.Policy(
        id=idl.common.PolicyIdentifier(name="ops-c1"), bindings=[binding])), timeout=10)
    s.users.CreateUser(idl.user.CreateUserRequest(spec=idl.ident.UserSpec(email="ada@example.com")), timeout=10)
    s.authz.AssignIdentity(idl.authz.AssignIdentityRequest(identity=user_identity(idl, "ada@example.com"),
                                                           policy_id=idl.common.PolicyIdentifier(name="ops-c1")), timeout=10)
    ch.close()
    assert srv.stop() == 0
    done = migrate(server_bin, "--from", str(source), "--to", postgres_database)
    assert done.returncode == 0, done.stderr[-4000:]
    # ci, its contributor assignment, ops, ops-c1, ada and her assignment
    assert re.match(r"^copied \d+ pools?, 0 clusters, 0 queues, 0 health rows, 6 identity rows, 1 signing key, \d+ audit records; revision \d+; verified$",
                    done.stdout.strip()), done.stdout
    assert secret not in psql(postgres_database, "SELECT body::text FROM access_objects")

    on_file = start_server("--database", str(source), *FLAGS, test_service=False)
    on_postgres = start_server("--database", postgres_database, *FLAGS, test_service=False)
    answers = []
    for server in (on_file, on_postgres):
        ch, s = connect_identity(server, idl)
        answers.append((s.apps.List(idl.app.ListAppsRequest(), timeout=10), s.roles.List(idl.role.ListRolesRequest(), timeout=10),
                        s.policies.List(idl.policy.ListPoliciesRequest(), timeout=10),
                        s.users.ListUsers(idl.user.ListUsersRequest(), timeout=10),
                        s.authz.ListIdentityAssignments(idl.authz.ListIdentityAssignmentsRequest(), timeout=10)))
        ch.close()
    assert answers[0] == answers[1]
    assert [u.id.subject for u in answers[1][3].users] == ["ada@example.com"]


AUDIT_COLUMNS = ("organization, sequence, time_ns, identity_kind, identity_subject, method, target_kind, target_name, "
                 "outcome_code, outcome_message, request_id, peer, count, previous_hash, hash")


def test_signing_keys_and_the_audit_log_are_copied_and_verified(server_bin, start_server, tmp_path, postgres_database, ql):
    """With --auth on: a token issued before the move still works against a server on the copy
    (the signing keys are copied), as does the API key (its identity rows); the audit log's
    records are the source's, `audit verify` passes on the target, and a write there continues
    the chain."""
    from test_auth_negative import token_for
    from test_authz import as_key
    from test_clusters import code_of
    source, boot = tmp_path / "secured.db", tmp_path / "admin-key"
    flags = ("--default-organization", "acme", "--auth", "on", "--health-save-interval", "3600")
    srv = start_server("--database", str(source), "--bootstrap-credentials", str(boot), *flags, test_service=False)
    admin = boot.read_text().strip()
    token = token_for(srv.port, admin)
    pools = connect(srv, ql)[1].pools

    def pool(name, org=""):
        return ql.pool.ClusterPool(id=ql.common.ClusterPoolIdentifier(organization=org, name=name), config=ql.common.ClusterPoolConfig(
            object_store_ref=ql.common.ObjectStoreRef(uri=f"s3://{name}"), secret_store=ql.common.SecretStore(type=1)))
    pools.Create(ql.pool.CreateRequest(cluster_pool=pool("prod")), timeout=10, metadata=as_key(token))
    assert code_of(lambda: pools.Create(ql.pool.CreateRequest(cluster_pool=pool("x", org="beta")), timeout=10,
                                        metadata=as_key(token)))[0] == grpc.StatusCode.PERMISSION_DENIED
    assert srv.stop() == 0  # the refusal, written in the background, is written by shutdown
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as db:
        records = db.execute(f"SELECT {AUDIT_COLUMNS} FROM audit_records ORDER BY organization, sequence").fetchall()
        keys = db.execute("SELECT id, private_key, created_at FROM signing_keys ORDER BY id").fetchall()
    assert [r[5].rsplit("/", 1)[1] for r in records] == ["bootstrap", "Create", "Create"] and records[2][8] == 7, records
    assert len(keys) == 1, keys

    done = migrate(server_bin, "--from", str(source), "--to", postgres_database)
    assert done.returncode == 0, done.stderr[-4000:]
    assert re.match(r"^copied 2 pools, 0 clusters, 0 queues, 0 health rows, 2 identity rows, 1 signing key, 3 audit records; "
                    r"revision \d+; verified$", done.stdout.strip()), done.stdout
    copied = [tuple(line.split("|")) for line in psql(
        postgres_database, f"SELECT {AUDIT_COLUMNS} FROM audit_records ORDER BY organization, sequence").splitlines()]
    assert copied == [tuple(str(v) for v in r) for r in records]
    assert psql(postgres_database, "SELECT id, private_key, created_at FROM signing_keys ORDER BY id").splitlines() == \
        ["|".join(str(v) for v in k) for k in keys]
    verified = subprocess.run([str(server_bin), "audit", "verify", "--database", postgres_database],
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert verified.returncode == 0 and "3 records in 1 organizations" in verified.stdout, verified.stdout + verified.stderr

    on_postgres = start_server("--database", postgres_database, *flags, test_service=False)
    ch, stubs = connect(on_postgres, ql)
    for credential in (token, admin):  # the token issued before the move, and the API key
        got = stubs.pools.Get(ql.pool.GetRequest(id=ql.common.ClusterPoolIdentifier(name="prod")), timeout=10,
                              metadata=as_key(credential))
        assert got.cluster_pool.config.object_store_ref.uri == "s3://prod"
    stubs.pools.Create(ql.pool.CreateRequest(cluster_pool=pool("after")), timeout=10, metadata=as_key(token))
    ch.close()
    assert on_postgres.stop() == 0
    verified = subprocess.run([str(server_bin), "audit", "verify", "--database", postgres_database],
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert verified.returncode == 0 and "4 records in 1 organizations" in verified.stdout, verified.stdout + verified.stderr
