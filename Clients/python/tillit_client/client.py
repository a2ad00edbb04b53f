"""A small blocking client for Tillit's RPC protocol (docs/wire-protocol.md).

A TCP connection (TLS 1.3, or plaintext only against services run with TILLIT_TLS=off on
loopback) carries frames: a big-endian uint32 body length, then a protobuf
``tillit.rpc.v1.Frame``. A call is a REQUEST frame (call id, method ``/package.Service/Method``,
metadata, timeout in microseconds, the serialized request) answered by a RESPONSE frame with the
same call id (a status with a gRPC code, and the serialized response when the code is 0).
"""

from __future__ import annotations

import enum
import socket
import ssl
import struct
import threading
import time
import uuid
from typing import Iterable, Mapping, Optional, Tuple, Type, TypeVar, Union

from google.protobuf.message import DecodeError, Message

from tillit.rpc.v1 import frame_pb2

__all__ = [
    "Connection",
    "RpcError",
    "StatusCode",
    "DEFAULT_MAX_FRAME_SIZE",
    "RESPONSE_GRACE_SECONDS",
    "parse_address",
]

#: The largest frame body accepted by default (the servers' default too): 4 MiB.
DEFAULT_MAX_FRAME_SIZE = 4 * 1024 * 1024

#: How long a call waits beyond its own timeout, so that the server's DEADLINE_EXCEEDED can
#: still arrive before the client gives up (as the C client's TILLIT_RESPONSE_GRACE_MS).
RESPONSE_GRACE_SECONDS = 5.0

_LENGTH = struct.Struct(">I")

M = TypeVar("M", bound=Message)
Metadata = Union[Mapping[str, str], Iterable[Tuple[str, str]], None]


class StatusCode(enum.IntEnum):
    """gRPC status codes, as carried in tillit.rpc.v1.Status.code."""

    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16

    @classmethod
    def of(cls, number: int) -> "StatusCode":
        """The code for a number; numbers outside 0–16 read as UNKNOWN (as the protocol says)."""
        try:
            return cls(number)
        except ValueError:
            return cls.UNKNOWN


class RpcError(Exception):
    """A call that did not answer OK.

    ``code`` is the server's status (a :class:`StatusCode`), ``message`` its message (safe to
    show), ``request_id`` the ``x-request-id`` the server answered (for its logs), ``details``
    the status details (tillit.rpc.v1.StatusDetail). ``local`` is True when no server status was
    received and the client made the error itself: UNAVAILABLE (cannot connect, TLS handshake
    failed, connection closed, GOAWAY earlier), DEADLINE_EXCEEDED (no answer in time; a CANCEL
    was sent), INTERNAL (a malformed frame or response payload) or RESOURCE_EXHAUSTED (a frame
    over the size limit).
    """

    def __init__(self, code: Union[StatusCode, int], message: str, *, request_id: str = "",
                 details: Iterable[frame_pb2.StatusDetail] = (), local: bool = False,
                 raw_code: Optional[int] = None) -> None:
        self.code = StatusCode.of(int(code))
        self.raw_code = int(code) if raw_code is None else raw_code
        self.message = message
        self.request_id = request_id
        self.details = list(details)
        self.local = local
        super().__init__(f"{self.code.name}: {message}")

    @property
    def status_name(self) -> str:
        """The code's name, e.g. ``"NOT_FOUND"``."""
        return self.code.name


def parse_address(text: str) -> Tuple[str, int]:
    """Splits ``host:port`` or ``[v6 address]:port``; raises ValueError when it is neither."""
    if text.startswith("["):
        close = text.find("]")
        if close < 0 or text[close + 1:close + 2] != ":":
            raise ValueError(f"{text!r}: expected host:port or [address]:port")
        host, port_text = text[1:close], text[close + 2:]
    else:
        if text.count(":") != 1:
            raise ValueError(f"{text!r}: expected host:port or [address]:port")
        host, port_text = text.split(":")
    if not host:
        raise ValueError(f"{text!r}: no host")
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ValueError(f"{text!r}: bad port")
    return host, int(port_text)


class Connection:
    """One connection to a Tillit service; calls run one at a time (a lock serializes them).

    TLS 1.3 only: the server's certificate must chain to ``ca_file`` and name ``server_name``
    (the service's name, e.g. ``"identity"`` or ``"booking"``; None means ``host``, checked
    against the certificate's IP addresses when it is one). ``cert_file``/``key_file`` present a
    client certificate (services do; people and scripts don't). ``tls=False`` speaks plaintext
    (only for services run with TILLIT_TLS=off on loopback).

    Raises :class:`RpcError` UNAVAILABLE when the connection or handshake fails; OSError,
    ValueError or ssl.SSLError when ``ca_file`` (or the client certificate) cannot be loaded.
    """

    def __init__(self, host: str, port: int, *, server_name: Optional[str] = None,
                 ca_file: Optional[str] = None, cert_file: Optional[str] = None,
                 key_file: Optional[str] = None, tls: bool = True, connect_timeout: float = 10.0,
                 max_frame_size: int = DEFAULT_MAX_FRAME_SIZE) -> None:
        self.host = host
        self.port = port
        self.server_name = server_name if server_name is not None else host
        self.max_frame_size = max_frame_size
        self._lock = threading.Lock()
        self._next_call_id = 1
        self._buffer = bytearray()
        self._goaway = False
        self._broken: Optional[str] = None

        context = None
        if tls:
            if not ca_file:
                raise ValueError("TLS needs ca_file (the CA PEM the server's certificate chains to)")
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.minimum_version = ssl.TLSVersion.TLSv1_3
            context.maximum_version = ssl.TLSVersion.TLSv1_3
            context.check_hostname = True
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(cafile=ca_file)
            if cert_file:
                context.load_cert_chain(cert_file, key_file)

        try:
            raw = socket.create_connection((host, port), timeout=connect_timeout)
        except OSError as error:
            raise RpcError(StatusCode.UNAVAILABLE,
                           f"cannot connect to {host}:{port}: {error.strerror or error}",
                           local=True) from error
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if context is None:
            self._sock = raw
            return
        try:
            self._sock = context.wrap_socket(raw, server_hostname=self.server_name)
        except ssl.SSLCertVerificationError as error:
            raw.close()
            raise RpcError(StatusCode.UNAVAILABLE,
                           f"TLS handshake with {self.server_name} at {host}:{port} failed: "
                           f"certificate verification failed: {error.verify_message}",
                           local=True) from error
        except (ssl.SSLError, OSError) as error:
            raw.close()
            raise RpcError(StatusCode.UNAVAILABLE,
                           f"TLS handshake with {self.server_name} at {host}:{port} failed: {error}",
                           local=True) from error

    # -- lifetime ------------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the connection (TLS: sends close_notify). Safe to call twice."""
        sock, self._sock = getattr(self, "_sock", None), None
        if sock is None:
            return
        try:
            if isinstance(sock, ssl.SSLSocket):
                sock.settimeout(1.0)
                try:
                    sock.unwrap()
                except (OSError, ValueError):
                    pass
        finally:
            sock.close()

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- calls ---------------------------------------------------------------------------------

    def call(self, method: str, request: Optional[Message], response_type: Type[M],
             metadata: Metadata = None, timeout: Optional[float] = None) -> M:
        """Makes one unary call and returns the decoded response.

        ``method`` is ``"/package.Service/Method"``; ``request`` a message (None sends an empty
        payload); ``response_type`` the response's message class; ``metadata`` a mapping or
        pairs of lower-case keys and values (e.g. ``{"authorization": "Bearer <token>"}``; a
        random ``x-request-id`` is added unless given); ``timeout`` the deadline in seconds
        sent to the server (None or 0: none, and wait without limit).

        Raises :class:`RpcError` when the server answers a non-OK status, and for transport
        errors (see RpcError.local).
        """
        with self._lock:
            return self._call(method, request, response_type, metadata, timeout)

    def _call(self, method, request, response_type, metadata, timeout):
        if self._sock is None:
            raise RpcError(StatusCode.UNAVAILABLE, "connection closed", local=True)
        if self._broken is not None:
            raise RpcError(StatusCode.UNAVAILABLE,
                           f"connection unusable after an earlier error ({self._broken}); reconnect",
                           local=True)
        if self._goaway:
            raise RpcError(StatusCode.UNAVAILABLE, "the server sent GOAWAY; reconnect", local=True)
        if timeout is not None and timeout < 0:
            raise RpcError(StatusCode.DEADLINE_EXCEEDED, "the deadline has passed", local=True)

        entries = []
        if metadata is not None:
            pairs = metadata.items() if isinstance(metadata, Mapping) else metadata
            entries = [(str(k), str(v)) for k, v in pairs]
        if not any(k == "x-request-id" for k, _ in entries):
            entries.append(("x-request-id", str(uuid.uuid4())))

        call_id = self._next_call_id
        self._next_call_id += 1
        frame = frame_pb2.Frame(call_id=call_id, kind=frame_pb2.FRAME_KIND_REQUEST, method=method)
        for key, value in entries:
            frame.metadata.add(key=key, value=value)
        if timeout:
            frame.timeout_micros = max(1, int(timeout * 1_000_000))
        if request is not None:
            frame.payload = request.SerializeToString()

        deadline = time.monotonic() + timeout + RESPONSE_GRACE_SECONDS if timeout else None
        self._write(frame)
        while True:
            try:
                answer = self._read(deadline)
            except socket.timeout:
                self._cancel(call_id)
                raise RpcError(StatusCode.DEADLINE_EXCEEDED,
                               f"no response to {method} within {timeout:g} s", local=True) from None
            if answer.kind == frame_pb2.FRAME_KIND_PING:
                self._write(frame_pb2.Frame(call_id=answer.call_id, kind=frame_pb2.FRAME_KIND_PONG))
                continue
            if answer.kind == frame_pb2.FRAME_KIND_GOAWAY:
                # No new calls here; the call in flight still gets its answer.
                self._goaway = True
                continue
            if answer.kind != frame_pb2.FRAME_KIND_RESPONSE or answer.call_id != call_id:
                continue  # another call's late answer, or a kind a client does not expect
            request_id = next((e.value for e in answer.metadata if e.key == "x-request-id"), "")
            code = answer.status.code
            if code != 0:
                raise RpcError(code, answer.status.message, request_id=request_id,
                               details=answer.status.details)
            try:
                return response_type.FromString(answer.payload)
            except DecodeError as error:
                raise RpcError(StatusCode.INTERNAL,
                               f"the response to {method} is not a valid {response_type.DESCRIPTOR.full_name}",
                               request_id=request_id, local=True) from error

    # -- frames --------------------------------------------------------------------------------

    def _cancel(self, call_id: int) -> None:
        cancel = frame_pb2.Frame(call_id=call_id, kind=frame_pb2.FRAME_KIND_CANCEL)
        cancel.status.code = StatusCode.DEADLINE_EXCEEDED
        cancel.status.message = "the client's deadline passed"
        try:
            self._write(cancel)
        except RpcError:
            pass

    def _write(self, frame: frame_pb2.Frame) -> None:
        body = frame.SerializeToString()
        try:
            self._sock.settimeout(None)
            self._sock.sendall(_LENGTH.pack(len(body)) + body)
        except OSError as error:
            self._broken = "write failed"
            raise RpcError(StatusCode.UNAVAILABLE, f"write failed: {error}", local=True) from error

    def _read(self, deadline: Optional[float]) -> frame_pb2.Frame:
        """Reads one frame; raises socket.timeout at the deadline (the bytes read so far stay
        buffered, so the stream is still at a frame boundary for the next read)."""
        self._fill(_LENGTH.size, deadline)
        (length,) = _LENGTH.unpack_from(self._buffer)
        if length > self.max_frame_size:
            self._broken = "frame too large"
            raise RpcError(StatusCode.RESOURCE_EXHAUSTED,
                           f"frame of {length} bytes exceeds the limit of {self.max_frame_size} bytes",
                           local=True)
        self._fill(_LENGTH.size + length, deadline)
        body = bytes(self._buffer[_LENGTH.size:_LENGTH.size + length])
        del self._buffer[:_LENGTH.size + length]
        try:
            return frame_pb2.Frame.FromString(body)
        except DecodeError as error:
            self._broken = "malformed frame"
            raise RpcError(StatusCode.INTERNAL, "malformed frame", local=True) from error

    def _fill(self, size: int, deadline: Optional[float]) -> None:
        while len(self._buffer) < size:
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise socket.timeout()
                self._sock.settimeout(remaining)
            else:
                self._sock.settimeout(None)
            try:
                chunk = self._sock.recv(65536)
            except socket.timeout:
                raise
            except OSError as error:
                self._broken = "read failed"
                raise RpcError(StatusCode.UNAVAILABLE, f"read failed: {error}", local=True) from error
            if not chunk:
                self._broken = "connection closed by peer"
                raise RpcError(StatusCode.UNAVAILABLE, "connection closed by peer", local=True)
            self._buffer += chunk
