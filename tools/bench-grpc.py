"""grpcio helpers for tools/bench: the request body file, and the grpc-status check.

  bench-grpc.py health-body OUT [SERVICE]
      writes the 5-byte gRPC prefix + serialized grpc.health.v1.HealthCheckRequest{service}
  bench-grpc.py check HOST:PORT RPC_PATH BODY_FILE [--save-response FILE] [--bearer TOKEN]
      sends BODY_FILE's message (prefix stripped) once with grpcio and requires grpc-status OK
      (h2load only sees the HTTP status); for Health/Check the reply must also say SERVING.
      --save-response writes the reply, gRPC-framed, for the nghttpd static-file ceiling;
      --bearer sends authorization: Bearer TOKEN (a server with --auth on).
Exit status 0 only when the check passed; one line of verdict on stdout.
"""
import argparse
import struct
import sys

import grpc
from grpc_health.v1 import health_pb2

HEALTH_CHECK = "/grpc.health.v1.Health/Check"


def frame(message: bytes) -> bytes:
    return struct.pack(">BI", 0, len(message)) + message


def unframe(body: bytes) -> bytes:
    if len(body) < 5:
        sys.exit(f"body file has {len(body)} bytes, less than a gRPC prefix")
    flag, n = struct.unpack(">BI", body[:5])
    if flag != 0 or n != len(body) - 5:
        sys.exit(f"body file is not one uncompressed gRPC message (flag {flag}, length {n}, "
                 f"{len(body) - 5} bytes follow)")
    return body[5:]


def health_body(out: str, service: str) -> None:
    msg = health_pb2.HealthCheckRequest(service=service).SerializeToString()
    with open(out, "wb") as f:
        f.write(frame(msg))
    print(f"wrote {out}: {5 + len(msg)} bytes (HealthCheckRequest service={service!r})")


def check(target: str, path: str, body_file: str, save: str | None, bearer: str | None = None) -> int:
    request = unframe(open(body_file, "rb").read())
    with grpc.insecure_channel(target) as ch:
        try:
            grpc.channel_ready_future(ch).result(timeout=10)
            call = ch.unary_unary(path, request_serializer=None, response_deserializer=None)
            metadata = [("authorization", f"Bearer {bearer}")] if bearer else None
            reply = call(request, timeout=5, metadata=metadata)
        except grpc.FutureTimeoutError:
            print(f"FAIL: no connection to {target} within 10 s")
            return 1
        except grpc.RpcError as e:
            print(f"FAIL: {path} gave {e.code().name} {e.details()!r}")
            return 1
    verdict = f"grpc-status OK, {len(reply)}-byte reply"
    if path == HEALTH_CHECK:
        status = health_pb2.HealthCheckResponse.FromString(reply).status
        name = health_pb2.HealthCheckResponse.ServingStatus.Name(status)
        if status != health_pb2.HealthCheckResponse.SERVING:
            print(f"FAIL: grpc-status OK but health status {name}")
            return 1
        verdict += f", {name}"
    if save:
        with open(save, "wb") as f:
            f.write(frame(reply))
    print(verdict)
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("health-body")
    b.add_argument("out")
    b.add_argument("service", nargs="?", default="")
    c = sub.add_parser("check")
    c.add_argument("target")
    c.add_argument("path")
    c.add_argument("body")
    c.add_argument("--save-response")
    c.add_argument("--bearer")
    a = p.parse_args()
    if a.cmd == "health-body":
        health_body(a.out, a.service)
        return 0
    return check(a.target, a.path, a.body, a.save_response, a.bearer)


if __name__ == "__main__":
    sys.exit(main())
