"""Python stubs for the project's .proto files, generated on demand with grpc_tools.protoc.

Usage from an interop test::

    import protogen
    protogen.generate(tmp_dir)          # writes *_pb2.py / *_pb2_grpc.py, puts tmp_dir on sys.path
    from cloudidl.clusterpool import clusterpool_pb2, clusterpool_pb2_grpc

Module paths follow the proto paths: ``cloudidl/common/common.proto`` becomes
``cloudidl.common.common_pb2``, ``grpc/health/v1/health.proto`` becomes
``grpc.health.v1.health_pb2`` (imported as ``importlib.import_module``, since ``grpc`` the package
shadows it: use ``protogen.module("grpc/health/v1/health.proto")``), ``testing/test_service.proto``
becomes ``testing.test_service_pb2``.

``google/protobuf/timestamp.proto`` is not generated: the stubs import the protobuf package's own
``google.protobuf.timestamp_pb2``.

Needs grpcio-tools and protobuf (PyPI) in the running interpreter.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pathlib
import re
import sys
from types import ModuleType

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROTO_DIR = ROOT / "proto"

# Files whose Python modules come from elsewhere (the protobuf package itself).
_BUILTIN = ("google/",)

_out_dirs: dict[str, pathlib.Path] = {}


def proto_files(skip: tuple[str, ...] = ()) -> list[str]:
    """Every .proto under proto/, as paths relative to it, sorted."""
    names = sorted(p.relative_to(PROTO_DIR).as_posix() for p in PROTO_DIR.rglob("*.proto"))
    return [n for n in names if not n.startswith(_BUILTIN) and not n.startswith(tuple(skip))]


def generate(out_dir, skip: tuple[str, ...] = ()) -> None:
    """Runs grpc_tools.protoc over every .proto of proto/ into out_dir and puts out_dir on sys.path.

    ``skip``: path prefixes to leave out (e.g. ``("grpc/",)`` when the test also imports
    grpcio-health-checking, whose module defines the same grpc.health.v1 symbols).
    """
    from grpc_tools import protoc  # imported late: only the interop venv has it

    out = pathlib.Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    files = proto_files(skip)
    wkt_include = pathlib.Path(protoc.__file__).resolve().parent / "_proto"
    args = [
        "grpc_tools.protoc",
        f"-I{PROTO_DIR}",
        f"-I{wkt_include}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        *files,
    ]
    rc = protoc.main(args)
    if rc != 0:
        raise RuntimeError(f"grpc_tools.protoc failed with exit code {rc}: {' '.join(args)}")
    # Generated packages have no __init__.py; namespace packages work, but an explicit
    # __init__.py keeps `import cloudidl.common` unambiguous across out_dirs. Never under grpc/:
    # an out_dir/grpc/__init__.py would shadow the grpcio package.
    for d in {os.path.dirname(f) for f in files if not f.startswith("grpc/")}:
        parts = pathlib.Path(d).parts
        for i in range(1, len(parts) + 1):
            init = out.joinpath(*parts[:i], "__init__.py")
            if not init.exists():
                init.touch()
    _fix_grpc_stub_imports(out, files)
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    importlib.invalidate_caches()
    _out_dirs["last"] = out


def _fix_grpc_stub_imports(out: pathlib.Path, files: list[str]) -> None:
    """``grpc/...`` stubs cannot be imported as ``grpc.health.v1...`` (grpcio owns ``grpc``):
    their ``_pb2_grpc`` modules load their ``_pb2`` siblings through module() instead."""
    pattern = re.compile(r"^from (grpc(?:\.\w+)+) import (\w+_pb2) as (\w+)$", re.M)
    for f in files:
        if not f.startswith("grpc/"):
            continue
        path = out / (f[: -len(".proto")] + "_pb2_grpc.py")
        text = path.read_text()
        fixed = pattern.sub(
            lambda m: f"import protogen as _protogen\n{m.group(3)} = _protogen.module("
            f"{(m.group(1).replace('.', '/') + '/' + m.group(2)[:-4] + '.proto')!r})",
            text,
        )
        if fixed != text:
            path.write_text(fixed)


def module(proto_path: str, grpc: bool = False) -> ModuleType:
    """The generated module of one .proto (``_pb2``, or ``_pb2_grpc`` with grpc=True).

    Loads it by file path, which works for ``grpc/...`` protos too, whose package name collides
    with the grpcio package.
    """
    out = _out_dirs.get("last")
    if out is None:
        raise RuntimeError("call protogen.generate(out_dir) first")
    stem = proto_path[: -len(".proto")]
    suffix = "_pb2_grpc" if grpc else "_pb2"
    name = stem.replace("/", ".") + suffix
    if not stem.startswith("grpc/"):
        return importlib.import_module(name)
    key = "_protogen_." + name
    if key in sys.modules:
        return sys.modules[key]
    path = out / (stem + suffix + ".py")
    spec = importlib.util.spec_from_file_location(key, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[key] = mod
    try:
        spec.loader.exec_module(mod)
    except TypeError as e:
        # grpcio-health-checking's grpc_health.v1.health_pb2 registers the same symbols (from a
        # file named grpc_health/v1/health.proto); protobuf refuses a second copy. Its messages
        # are the same, so hand that module out instead.
        del sys.modules[key]
        fallback = _STANDARD_MODULES.get(name)
        if fallback is None or "duplicate symbol" not in str(e):
            raise
        mod = importlib.import_module(fallback)
        sys.modules[key] = mod
    return mod


# Modules of grpcio's own packages that define the same messages as our grpc/ protos.
_STANDARD_MODULES = {"grpc.health.v1.health_pb2": "grpc_health.v1.health_pb2"}
