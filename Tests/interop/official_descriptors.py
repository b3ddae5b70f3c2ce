"""Run with the official venv's Python: prints (base64) a FileDescriptorSet holding the official
client's cluster-pool, cluster and queue service files (or the modules named as arguments) and
every file they import, read from the descriptors its generated modules carry (flyteplugins-union's
internal _pb2 modules)."""
import base64
import importlib
import sys

from google.protobuf import descriptor_pb2

MODULES = [
    "flyteplugins.union.internal.clusterpool.clusterpool_pb2",
    "flyteplugins.union.internal.cluster.cluster_pb2",
    "flyteplugins.union.internal.queue.queue_pb2",
]

files, order = {}, []


def visit(fd):
    if fd.name in files:
        return
    files[fd.name] = fd
    for dep in fd.dependencies:
        visit(dep)
    proto = descriptor_pb2.FileDescriptorProto()
    fd.CopyToProto(proto)
    order.append(proto)


for name in sys.argv[1:] or MODULES:
    visit(importlib.import_module(name).DESCRIPTOR)
sys.stdout.write(base64.b64encode(descriptor_pb2.FileDescriptorSet(file=order).SerializeToString()).decode())
