"""Tillit's RPC protocol for Python peers: framing, TLS 1.3 and unary calls.

The messages are protoc's Python output for proto/ (``tillit_client/gen/tillit/...``, made by
scripts/generate-protos; do not edit). They import each other by their proto paths
(``from tillit.common.v1 import common_pb2``), so importing this package puts ``gen/`` on
``sys.path``; then::

    from tillit_client import Connection, RpcError, StatusCode
    from tillit.identity.v1 import identity_pb2
    from tillit.booking.v1 import booking_pb2

Needs the protobuf runtime 3.20 or later (Debian bookworm: apt-get install python3-protobuf,
4.21, for /usr/bin/python3).
"""

import os as _os
import sys as _sys

_GEN = _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "gen")
if _GEN not in _sys.path:
    _sys.path.insert(0, _GEN)

from .client import (  # noqa: E402  (gen/ must be on sys.path first)
    DEFAULT_MAX_FRAME_SIZE,
    RESPONSE_GRACE_SECONDS,
    Connection,
    RpcError,
    StatusCode,
    parse_address,
)

__all__ = [
    "Connection",
    "RpcError",
    "StatusCode",
    "DEFAULT_MAX_FRAME_SIZE",
    "RESPONSE_GRACE_SECONDS",
    "parse_address",
]
