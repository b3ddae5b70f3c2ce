"""The identity and access services (cloudidl.identity.*, cloudidl.authorizer.AuthorizerService)
through grpcio with requests encoded by Python protobuf from our proto/, on both store backends:
an API key's secret returned once and never read back; the default policy given to a new key
(and skipped when asked); built-in roles and policies read-only; custom roles, policies and
bindings; users, members and assignments; the last ACTION_MANAGE_PERMISSIONS holder kept; every
rejection with its status and a message naming the cause; everything kept across a restart."""
import base64
from types import SimpleNamespace

import grpc
import pytest

import protogen
from test_clusters import code_of

S = grpc.StatusCode


@pytest.fixture(scope="module")
def idl(pb):  # pb generates every module of proto/ once per session
    return SimpleNamespace(
        app=protogen.module("cloudidl/identity/app.proto"),
        role=protogen.module("cloudidl/identity/role.proto"),
        policy=protogen.module("cloudidl/identity/policy.proto"),
        user=protogen.module("cloudidl/identity/user.proto"),
        member=protogen.module("cloudidl/identity/member.proto"),
        authz=protogen.module("cloudidl/authorizer/authorizer.proto"),
        enums=protogen.module("cloudidl/identity/enums.proto"),
        common=protogen.module("cloudidl/common/common.proto"),
        ident=protogen.module("cloudidl/common/identity.proto"),
        authn=protogen.module("cloudidl/common/authorization.proto"),
        crole=protogen.module("cloudidl/common/role.proto"),
        cpolicy=protogen.module("cloudidl/common/policy.proto"),
        list=protogen.module("cloudidl/common/list.proto"),
        grpc=SimpleNamespace(
            apps=protogen.module("cloudidl/identity/app.proto", grpc=True).AppsServiceStub,
            roles=protogen.module("cloudidl/identity/role.proto", grpc=True).RoleServiceStub,
            policies=protogen.module("cloudidl/identity/policy.proto", grpc=True).PolicyServiceStub,
            users=protogen.module("cloudidl/identity/user.proto", grpc=True).UserServiceStub,
            members=protogen.module("cloudidl/identity/member.proto", grpc=True).MemberServiceStub,
            authz=protogen.module("cloudidl/authorizer/authorizer.proto", grpc=True).AuthorizerServiceStub))


def connect(srv, idl):
    ch = grpc.insecure_channel(srv.target)
    grpc.channel_ready_future(ch).result(timeout=10)
    return ch, SimpleNamespace(**{name: getattr(idl.grpc, name)(ch) for name in vars(idl.grpc)})


def app_identity(idl, client_id):
    return idl.ident.Identity(application_id=idl.ident.ApplicationIdentifier(subject=client_id))


def user_identity(idl, subject):
    return idl.ident.Identity(user_id=idl.ident.UserIdentifier(subject=subject))


def assignment(s, idl, identity):
    got = s.authz.GetIdentityAssignments(idl.authz.GetIdentityAssignmentRequest(identity=identity), timeout=10)
    return sorted(r.id.name for r in got.identity_assignment.roles), sorted(p.id.name for p in got.identity_assignment.policies)


def test_identity_objects_rules_and_restart(start_server, database, idl):
    args = ("--database", database("identity.db"), "--default-organization", "acme", "--default-identity", "py-tester")
    srv = start_server(*args, test_service=False)
    ch, s = connect(srv, idl)
    a, e = idl.app, idl.enums
    created = s.apps.Create(a.CreateAppRequest(
        client_id="ci", client_name="ci", grant_types=[e.CLIENT_CREDENTIALS], response_types=[e.CODE],
        token_endpoint_auth_method=e.CLIENT_SECRET_BASIC), timeout=10).app
    secret = created.client_secret
    assert len(secret) == 43 and ":" not in secret and created.organization == "acme" and created.client_id == "ci"
    assert len(base64.urlsafe_b64decode(secret + "=")) == 32  # 256 bits
    assert created.client_id_issued_at.seconds > 0
    if database.backend == "sqlite":  # the secret is nowhere in the file (its digest is)
        from pathlib import Path
        stored = b"".join(Path(database("identity.db") + suffix).read_bytes()
                          for suffix in ("", "-wal") if Path(database("identity.db") + suffix).exists())
        assert b'"clientID":"ci"' in stored and secret.encode() not in stored
    got = s.apps.Get(a.GetAppRequest(client_id="ci"), timeout=10).app
    assert got.client_secret == "" and got.client_name == "ci" and list(got.grant_types) == [e.CLIENT_CREDENTIALS]
    assert assignment(s, idl, app_identity(idl, "ci")) == ([], ["contributor"])  # the default policy
    s.apps.Create(a.CreateAppRequest(client_id="bare", skip_default_policy_assignments=True), timeout=10)
    assert assignment(s, idl, app_identity(idl, "bare")) == ([], [])
    assert [x.client_id for x in s.apps.List(a.ListAppsRequest(), timeout=10).apps] == ["bare", "ci"]
    page = s.apps.List(a.ListAppsRequest(request=idl.list.ListRequest(limit=1)), timeout=10)
    assert [x.client_id for x in page.apps] == ["bare"] and page.token == "bare"
    assert code_of(lambda: s.apps.Create(a.CreateAppRequest(client_id="ci"), timeout=10))[0] == S.ALREADY_EXISTS
    code, message = code_of(lambda: s.apps.Create(a.CreateAppRequest(client_id="a:b"), timeout=10))
    assert code == S.INVALID_ARGUMENT and "client id name" in message
    assert code_of(lambda: s.apps.Get(a.GetAppRequest(client_id="nope"), timeout=10))[0] == S.NOT_FOUND
    updated = s.apps.Update(a.UpdateAppRequest(client_id="ci", client_name="ci-2"), timeout=10).app
    assert updated.client_name == "ci-2" and updated.client_secret == ""

    # roles: three built-in, read-only; custom ones with actions
    r, c, A = idl.role, idl.crole, idl.authn.Action
    names = [x.id.name for x in s.roles.List(r.ListRolesRequest(), timeout=10).roles]
    assert names == ["admin", "contributor", "viewer"]
    viewer = s.roles.GetRole(r.GetRoleRequest(id=idl.common.RoleIdentifier(name="viewer")), timeout=10).role
    assert viewer.role_type == c.ROLE_TYPE_VIEWER and A.Value("ACTION_MANAGE_CLUSTER") not in viewer.actions
    assert A.Value("ACTION_VIEW_CLUSTER_CONFIG") in viewer.actions
    ops_id = idl.common.RoleIdentifier(organization="acme", name="ops")
    s.roles.CreateRole(r.CreateRoleRequest(role=c.Role(id=ops_id, role_spec=c.RoleSpec(description="operators"),
                                                       actions=[A.Value("ACTION_MANAGE_CLUSTER")])), timeout=10)
    s.roles.CreateRoleAction(r.CreateRoleActionRequest(id=ops_id, action=A.Value("ACTION_MANAGE_QUEUE")), timeout=10)
    ops = s.roles.GetRole(r.GetRoleRequest(id=ops_id), timeout=10).role
    assert [A.Name(x) for x in ops.actions] == ["ACTION_MANAGE_CLUSTER", "ACTION_MANAGE_QUEUE"]
    assert ops.role_type == c.ROLE_TYPE_CUSTOM and ops.role_spec.description == "operators"
    code, message = code_of(lambda: s.roles.DeleteRole(r.DeleteRoleRequest(id=idl.common.RoleIdentifier(name="admin")),
                                                       timeout=10))
    assert code == S.FAILED_PRECONDITION and "built in and read-only" in message
    code, message = code_of(lambda: s.roles.CreateRoleAction(r.CreateRoleActionRequest(id=ops_id, action=0), timeout=10))
    assert code == S.INVALID_ARGUMENT and "ACTION_NONE" in message

    # policies: a binding on a cluster and one on a domain
    p, cp = idl.policy, idl.cpolicy
    pid = idl.common.PolicyIdentifier(name="ops-c1")
    on_cluster = cp.PolicyBinding(role_id=ops_id, resource=idl.authn.Resource(
        cluster=idl.common.ClusterIdentifier(organization="acme", name="c1")))
    s.policies.CreatePolicy(p.CreatePolicyRequest(policy=cp.Policy(id=pid, bindings=[on_cluster], description="d")), timeout=10)
    on_domain = cp.PolicyBinding(role_id=idl.common.RoleIdentifier(name="viewer"), resource=idl.authn.Resource(
        domain=idl.authn.Domain(name="development", organization=idl.authn.Organization(name="acme"))))
    s.policies.CreatePolicyBinding(p.CreatePolicyBindingRequest(id=pid, binding=on_domain), timeout=10)
    got = s.policies.GetPolicy(p.GetPolicyRequest(id=pid), timeout=10).policy
    assert [(b.role_id.name, b.resource.WhichOneof("resource")) for b in got.bindings] == [("ops", "cluster"), ("viewer", "domain")]
    other_org = cp.PolicyBinding(role_id=ops_id, resource=idl.authn.Resource(organization=idl.authn.Organization(name="beta")))
    code, message = code_of(lambda: s.policies.CreatePolicyBinding(p.CreatePolicyBindingRequest(id=pid, binding=other_org),
                                                                   timeout=10))
    assert code == S.INVALID_ARGUMENT and '"beta"' in message
    missing = cp.PolicyBinding(role_id=idl.common.RoleIdentifier(name="ghost"),
                               resource=idl.authn.Resource(organization=idl.authn.Organization(name="acme")))
    assert code_of(lambda: s.policies.CreatePolicyBinding(p.CreatePolicyBindingRequest(id=pid, binding=missing),
                                                          timeout=10))[0] == S.NOT_FOUND
    code, message = code_of(lambda: s.roles.DeleteRole(r.DeleteRoleRequest(id=ops_id), timeout=10))
    assert code == S.FAILED_PRECONDITION and "ops-c1" in message
    assert [x.id.name for x in s.policies.List(p.ListPoliciesRequest(), timeout=10).policies] == [
        "admin", "contributor", "ops-c1", "viewer"]

    # users, members, assignments and the last administrator
    u = idl.user
    subject = s.users.CreateUser(u.CreateUserRequest(spec=idl.ident.UserSpec(
        first_name="Ada", last_name="Lovelace", email="Ada@Example.com")), timeout=10).id.subject
    assert subject == "ada@example.com"
    assert code_of(lambda: s.users.CreateUser(u.CreateUserRequest(spec=idl.ident.UserSpec(email="ada@example.com")),
                                              timeout=10))[0] == S.ALREADY_EXISTS
    z = idl.authz
    s.authz.AssignIdentity(z.AssignIdentityRequest(identity=user_identity(idl, subject),
                                                   policy_id=idl.common.PolicyIdentifier(name="admin")), timeout=10)
    s.authz.AssignIdentity(z.AssignIdentityRequest(identity=user_identity(idl, subject),
                                                   role_id=ops_id), timeout=10)
    assert assignment(s, idl, user_identity(idl, subject)) == (["ops"], ["admin"])
    user = s.users.GetUser(u.GetUserRequest(id=idl.ident.UserIdentifier(subject=subject)), timeout=10).user
    assert user.spec.first_name == "Ada" and [x.id.name for x in user.policies] == ["admin"]
    listed = s.users.ListUsers(u.ListUsersRequest(request=idl.list.ListRequest(filters=[idl.list.Filter(
        function=idl.list.Filter.EQUAL, field="email", values=["ada@example.com"])])), timeout=10)
    assert [x.id.subject for x in listed.users] == [subject] and listed.count == 1
    members = s.members.ListMembers(idl.member.ListMembersRequest(), timeout=10).members
    assert sorted((m.WhichOneof("principal"), (m.user.id.subject or m.application.id.subject)) for m in members) == [
        ("application", "bare"), ("application", "ci"), ("user", subject)]
    unassign = z.UnassignIdentityRequest(identity=user_identity(idl, subject), policy_id=idl.common.PolicyIdentifier(name="admin"))
    code, message = code_of(lambda: s.authz.UnassignIdentity(unassign, timeout=10))
    assert code == S.FAILED_PRECONDITION and "ACTION_MANAGE_PERMISSIONS" in message
    code, _ = code_of(lambda: s.users.DeleteUser(u.DeleteUserRequest(id=idl.ident.UserIdentifier(subject=subject)), timeout=10))
    assert code == S.FAILED_PRECONDITION
    assert code_of(lambda: s.authz.AssignIdentity(z.AssignIdentityRequest(
        identity=user_identity(idl, "ghost"), policy_id=idl.common.PolicyIdentifier(name="admin")), timeout=10))[0] == S.NOT_FOUND
    everyone = s.authz.ListIdentityAssignments(z.ListIdentityAssignmentsRequest(), timeout=10).identity_assignments
    assert sorted(x.identity.WhichOneof("principal") for x in everyone) == ["application_id", "user_id"]
    ch.close()

    # everything survives a restart; the secret is nowhere to be read
    srv.stop()
    srv = start_server(*args, test_service=False)
    ch, s = connect(srv, idl)
    assert s.apps.Get(a.GetAppRequest(client_id="ci"), timeout=10).app.client_name == "ci-2"
    assert all(x.client_secret == "" for x in s.apps.List(a.ListAppsRequest(), timeout=10).apps)
    assert assignment(s, idl, user_identity(idl, subject)) == (["ops"], ["admin"])
    assert [A.Name(x) for x in s.roles.GetRole(r.GetRoleRequest(id=ops_id), timeout=10).role.actions] == [
        "ACTION_MANAGE_CLUSTER", "ACTION_MANAGE_QUEUE"]
    # hand administration to the app, then the user can go
    s.authz.AssignIdentity(z.AssignIdentityRequest(identity=app_identity(idl, "ci"), role_id=idl.common.RoleIdentifier(name="admin")),
                           timeout=10)
    s.users.DeleteUser(u.DeleteUserRequest(id=idl.ident.UserIdentifier(subject=subject)), timeout=10)
    assert s.users.ListUsers(u.ListUsersRequest(), timeout=10).users == []
    s.apps.Delete(a.DeleteAppRequest(client_id="bare"), timeout=10)
    assert code_of(lambda: s.apps.Get(a.GetAppRequest(client_id="bare"), timeout=10))[0] == S.NOT_FOUND
    ch.close()
