#!/usr/bin/python3
"""Lays out protoc-c's C output and writes the Swift side of proto/.

Run by tools/generate (Debian's /usr/bin/python3 with python3-protobuf; no network):

    protogen.py --descriptor-set SET.pb --c-dir PROTOC_C_OUT --protos a.proto,b.proto --out ROOT

writes, under ROOT:
    Sources/ClusterPoolProtoC/Generated/<path>.pb-c.c      protoc-c sources
    Sources/ClusterPoolProtoC/Generated/cp_message_descriptors.c
    Sources/ClusterPoolProtoC/include/<path>.pb-c.h        protoc-c headers (relative includes work)
    Sources/ClusterPoolProtoC/include/ClusterPoolProtoC.h  umbrella header + descriptor table
    Sources/ClusterPoolProto/Generated/*.swift              value types, registry, services, descriptors
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from google.protobuf import descriptor_pb2  # noqa: E402

import names  # noqa: E402
import swift_emit  # noqa: E402
from model import GeneratorError, load  # noqa: E402

C_HEADER = f"/* {names.HEADER_NOTE} */\n"
C_TARGET = pathlib.Path("Sources/ClusterPoolProtoC")
SWIFT_TARGET = pathlib.Path("Sources/ClusterPoolProto/Generated")


def write(path: pathlib.Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def emit_c(c_dir: pathlib.Path, protos: list[str], out: pathlib.Path) -> None:
    descriptors: list[tuple[str, str]] = []  # (full proto name, C symbol)
    headers: list[str] = []
    for proto in protos:
        stem = proto[: -len(".proto")]
        h = (c_dir / f"{stem}.pb-c.h").read_text()
        c = (c_dir / f"{stem}.pb-c.c").read_text()
        write(out / C_TARGET / "include" / f"{stem}.pb-c.h", C_HEADER + h)
        write(out / C_TARGET / "Generated" / f"{stem}.pb-c.c", C_HEADER + c)
        headers.append(f"{stem}.pb-c.h")
        for sym in re.findall(r"^extern const ProtobufCMessageDescriptor (\w+);$", h, re.M):
            # The descriptor's full name is the string after its magic in the .c file.
            m = re.search(
                r"^const ProtobufCMessageDescriptor " + re.escape(sym) + r" =\n\{\n\s*\w+,\n\s*\"([^\"]+)\",",
                c, re.M)
            if not m:
                raise GeneratorError(f"cannot find the definition of {sym} in {stem}.pb-c.c")
            descriptors.append((m.group(1), sym))
    descriptors.sort()
    umbrella = [
        C_HEADER.rstrip(),
        "/* Every protoc-c header of proto/, and a table of every message descriptor. */",
        "#ifndef CLUSTERPOOLPROTOC_H",
        "#define CLUSTERPOOLPROTOC_H",
        "",
        "#include <stddef.h>",
        "#include <protobuf-c/protobuf-c.h>",
        "",
        *[f'#include "{h}"' for h in headers],
        "",
        "/* Every message descriptor, sorted by full proto name. */",
        "extern const ProtobufCMessageDescriptor *const cp_all_message_descriptors[];",
        "extern const size_t cp_all_message_descriptors_count;",
        "",
        "/* The same table through a function (Swift does not import arrays of unknown size). */",
        "const ProtobufCMessageDescriptor *const *cp_message_descriptors(size_t *count);",
        "",
        "#endif",
        "",
    ]
    write(out / C_TARGET / "include" / "ClusterPoolProtoC.h", "\n".join(umbrella))
    # An explicit module map: SwiftPM's umbrella-header layout forbids the folders next to it.
    write(out / C_TARGET / "include" / "module.modulemap", "\n".join([
        f"// {names.HEADER_NOTE}",
        "module ClusterPoolProtoC {",
        '  header "ClusterPoolProtoC.h"',
        "  export *",
        "}",
        "",
    ]))
    table = [
        C_HEADER.rstrip(),
        '#include "ClusterPoolProtoC.h"',
        "",
        "const ProtobufCMessageDescriptor *const cp_all_message_descriptors[] = {",
        *[f"  &{sym}, /* {full} */" for full, sym in descriptors],
        "};",
        "",
        f"const size_t cp_all_message_descriptors_count = {len(descriptors)};",
        "",
        "const ProtobufCMessageDescriptor *const *cp_message_descriptors(size_t *count) {",
        "  *count = cp_all_message_descriptors_count;",
        "  return cp_all_message_descriptors;",
        "}",
        "",
    ]
    write(out / C_TARGET / "Generated" / "cp_message_descriptors.c", "\n".join(table))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--descriptor-set", required=True, type=pathlib.Path)
    ap.add_argument("--c-dir", required=True, type=pathlib.Path)
    ap.add_argument("--protos", required=True, help="comma-separated .proto paths relative to proto/")
    ap.add_argument("--out", required=True, type=pathlib.Path)
    args = ap.parse_args()

    protos = sorted(p for p in args.protos.split(",") if p)
    fds = descriptor_pb2.FileDescriptorSet()
    fds.ParseFromString(args.descriptor_set.read_bytes())
    try:
        schema = load(fds, set(protos))
        emit_c(args.c_dir, protos, args.out)
        for name, text in swift_emit.emit_all(schema).items():
            write(args.out / SWIFT_TARGET / name, text)
    except GeneratorError as e:
        print(f"protogen: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
