"""A raw HTTP/2 client on a plain socket (python-hyper h2), for what grpcio cannot send.

It never validates or normalizes outbound headers, so tests can send malformed requests,
and it can stop reading or granting flow-control window to play a slow client.
"""
import socket
import time
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.events
import h2.exceptions
from h2.settings import SettingCodes

from clients import grpc_frame, grpc_unframe


@dataclass
class StreamResult:
    """Everything the server sent on one stream."""
    headers: dict = field(default_factory=dict)
    trailers: dict = field(default_factory=dict)
    data: bytearray = field(default_factory=bytearray)
    ended: bool = False
    reset_code: int | None = None  # RST_STREAM error code from the server

    @property
    def done(self) -> bool:
        return self.ended or self.reset_code is not None

    @property
    def status(self) -> int | None:
        v = self.headers.get(b":status")
        return int(v) if v is not None else None

    def _grpc(self, name: bytes) -> bytes | None:
        # a trailers-only response carries grpc-status in its only HEADERS frame
        return self.trailers.get(name, self.headers.get(name))

    @property
    def grpc_status(self) -> int | None:
        v = self._grpc(b"grpc-status")
        return int(v) if v is not None else None

    @property
    def grpc_message(self) -> bytes | None:
        return self._grpc(b"grpc-message")

    def messages(self) -> list[bytes]:
        return grpc_unframe(bytes(self.data))


class RawH2Connection:
    """One client connection with prior knowledge (h2c) to 127.0.0.1:port."""

    def __init__(self, port: int, host: str = "127.0.0.1", settings: dict | None = None,
                 auto_window_update: bool = True, timeout: float = 10):
        self.authority = f"{host}:{port}".encode()
        self.sock = socket.create_connection((host, port), timeout=timeout)
        cfg = h2.config.H2Configuration(client_side=True, header_encoding=None,
                                        validate_outbound_headers=False,
                                        normalize_outbound_headers=False,
                                        validate_inbound_headers=False)
        self.conn = h2.connection.H2Connection(config=cfg)
        self.conn.initiate_connection()
        if settings:
            self.conn.update_settings(settings)
        self.auto_window_update = auto_window_update
        self.streams: dict[int, StreamResult] = {}
        self.remote_settings: dict = {}
        self.goaway: h2.events.ConnectionTerminated | None = None
        self.closed = False  # the server closed the TCP connection
        self.protocol_error: Exception | None = None  # h2 rejected what the server sent
        self._buf = bytearray()
        self.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def request(self, headers: list, body: bytes | None = None, flush: bool = True) -> int:
        sid = self.conn.get_next_available_stream_id()
        self.streams[sid] = StreamResult()
        self.conn.send_headers(sid, headers, end_stream=body is None)
        if body is not None:
            self.conn.send_data(sid, body, end_stream=True)
        if flush:
            self.flush()
        return sid

    def grpc_headers(self, path: str, content_type: str = "application/grpc",
                     timeout_header: str | None = None) -> list:
        h = [(b":method", b"POST"), (b":scheme", b"http"), (b":path", path.encode()),
             (b":authority", self.authority), (b"content-type", content_type.encode()),
             (b"te", b"trailers")]
        if timeout_header:
            h.append((b"grpc-timeout", timeout_header.encode()))
        return h

    def grpc_request(self, path: str, message: bytes, flush: bool = True, **kw) -> int:
        return self.request(self.grpc_headers(path, **kw), grpc_frame(message), flush=flush)

    def pump(self, timeout: float) -> bool:
        """Reads once (up to `timeout`) and processes the events; False when nothing came."""
        if self.closed:
            return False
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1 << 20)
        except socket.timeout:
            return False
        except ConnectionResetError:
            data = b""
        if not data:
            self.closed = True
            return False
        self._buf += data
        # one frame at a time: h2 raises on frames after a GOAWAY (e.g. the PING of a graceful
        # two-step GOAWAY), and an exception would lose the events parsed before it
        while len(self._buf) >= 9:
            size = 9 + int.from_bytes(self._buf[:3], "big")
            if len(self._buf) < size:
                break
            frame, self._buf = bytes(self._buf[:size]), self._buf[size:]
            try:
                events = self.conn.receive_data(frame)
            except h2.exceptions.ProtocolError as e:
                if self.goaway is None:
                    self.protocol_error = e
                    self.closed = True
                    return False
                # h2 refuses every frame after a GOAWAY, but the connection lives on for the
                # streams in flight: answer a PING by hand, ignore the rest
                if frame[3] == 0x6 and not frame[4] & 0x1 and len(frame) == 17:
                    self.sock.sendall(b"\x00\x00\x08\x06\x01\x00\x00\x00\x00" + frame[9:])
                continue
            for event in events:
                self._on(event)
        try:
            self.flush()
        except OSError:
            pass
        return True

    def _on(self, ev):
        st = self.streams.get(getattr(ev, "stream_id", 0) or 0)
        if isinstance(ev, h2.events.ResponseReceived) and st is not None:
            st.headers.update(dict(ev.headers))
        elif isinstance(ev, h2.events.TrailersReceived) and st is not None:
            st.trailers.update(dict(ev.headers))
        elif isinstance(ev, h2.events.DataReceived):
            if st is not None:
                st.data += ev.data
            if self.auto_window_update and ev.flow_controlled_length:
                self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
        elif isinstance(ev, h2.events.StreamEnded) and st is not None:
            st.ended = True
        elif isinstance(ev, h2.events.StreamReset) and st is not None:
            st.reset_code = int(ev.error_code)
        elif isinstance(ev, h2.events.RemoteSettingsChanged):
            self.remote_settings.update({k: v.new_value for k, v in ev.changed_settings.items()})
        elif isinstance(ev, h2.events.ConnectionTerminated):
            self.goaway = ev

    def wait(self, predicate, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                return predicate()
            self.pump(min(left, 0.5))
        return True

    def wait_stream(self, sid: int, timeout: float) -> StreamResult:
        self.wait(lambda: self.streams[sid].done or self.goaway is not None, timeout)
        return self.streams[sid]

    def wait_all(self, sids, timeout: float) -> bool:
        return self.wait(lambda: all(self.streams[s].done for s in sids), timeout)

    @property
    def max_concurrent_streams(self):
        return self.remote_settings.get(SettingCodes.MAX_CONCURRENT_STREAMS)
