#!/usr/bin/python3
"""Books the first free slot of a session type for a signed-in client (an example peer).

Signs a client in at Identity (Login), searches Booking for the first free slot of one session
type in the next 14 days (SearchSlots) and books it for that client (BookAppointment), then
prints one line:

    booked <appointment id> <start, RFC 3339 UTC>

Configuration comes only from the environment:

  TILLIT_IDENTITY_ADDR    Identity's host:port ([v6 address]:port for IPv6)
  TILLIT_BOOKING_ADDR     Booking's host:port
  TILLIT_TLS_CA           PEM file of the CA the services' certificates chain to; the
                          certificates must name "identity" and "booking" (whatever address is
                          dialled)
  TILLIT_ORG              the organisation id
  TILLIT_EMAIL            the client's e-mail
  TILLIT_PASSWORD         the client's password (an account without TOTP)
  TILLIT_SESSION_TYPE     the session type id
  TILLIT_LOCATION         optional: only slots at this location id (a slot names its location,
                          and that is what is booked)
  TILLIT_IDEMPOTENCY_KEY  optional: BookAppointment's idempotency key (1–100 printable ASCII
                          characters without spaces); default: a random one

Exit status: 0 booked (also when a retry with the same key found the earlier booking); 1 an RPC
failed ("<program>: <Method>: <STATUS_NAME>: <message>" on stderr; transport errors read as
UNAVAILABLE, DEADLINE_EXCEEDED or INTERNAL, and "no free slot" as NOT_FOUND); 2 usage or
configuration error.

Run with Debian's /usr/bin/python3 (python3-protobuf); works from any directory.
"""

import os
import secrets
import sys
import time
from datetime import datetime, timezone

PROGRAM = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "book_first_slot.py"
SEARCH_DAYS = 14
CALL_TIMEOUT = 10.0  # seconds, per call
MAX_SLOT_PAGES = 20
MAX_APPOINTMENT_PAGES = 10

USAGE = f"""usage: {PROGRAM}   (no arguments; configured by the environment)
  TILLIT_IDENTITY_ADDR, TILLIT_BOOKING_ADDR  host:port of Identity and Booking
  TILLIT_TLS_CA                              CA PEM file (certificates name identity, booking)
  TILLIT_ORG, TILLIT_EMAIL, TILLIT_PASSWORD  the client's organisation id and login
  TILLIT_SESSION_TYPE                        session type id
  TILLIT_LOCATION                            optional location id filter
  TILLIT_IDEMPOTENCY_KEY                     optional booking key (default: random)
Books the first free slot in the next {SEARCH_DAYS} days; prints "booked <id> <start RFC 3339 UTC>".
"""


def config_error(message):
    print(f"{PROGRAM}: {message}", file=sys.stderr)
    sys.exit(2)


def rpc_error(method, status_name, message):
    print(f"{PROGRAM}: {method}: {status_name}: {message}", file=sys.stderr)
    sys.exit(1)


# The package is Clients/python/tillit_client, one folder up from this script.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
try:
    from tillit_client import Connection, RpcError, StatusCode, parse_address
    from tillit.booking.v1 import booking_pb2
    from tillit.common.v1 import common_pb2
    from tillit.identity.v1 import identity_pb2
except ImportError as error:
    config_error(f"{error} (needs the protobuf runtime: apt-get install python3-protobuf, "
                 "and run with /usr/bin/python3)")


def required(name):
    value = os.environ.get(name, "")
    if not value:
        config_error(f"{name} is not set (see {PROGRAM} --help)")
    return value


def load_config():
    config = {}
    for name, key in (("TILLIT_IDENTITY_ADDR", "identity"), ("TILLIT_BOOKING_ADDR", "booking")):
        text = required(name)
        try:
            config[key] = parse_address(text)
        except ValueError as error:
            config_error(f"{name}={text}: {error}")
    config["ca"] = required("TILLIT_TLS_CA")
    try:
        with open(config["ca"], "rb"):
            pass
    except OSError as error:
        config_error(f"TILLIT_TLS_CA={config['ca']}: {error.strerror}")
    config["org"] = required("TILLIT_ORG")
    config["email"] = required("TILLIT_EMAIL")
    config["password"] = required("TILLIT_PASSWORD")
    config["session_type"] = required("TILLIT_SESSION_TYPE")
    config["location"] = os.environ.get("TILLIT_LOCATION", "") or None
    key = os.environ.get("TILLIT_IDEMPOTENCY_KEY", "")
    if key:
        if len(key) > 100:
            config_error(f"TILLIT_IDEMPOTENCY_KEY: at most 100 characters (got {len(key)})")
        if not all(0x21 <= ord(c) <= 0x7E for c in key):
            config_error("TILLIT_IDEMPOTENCY_KEY: only printable ASCII characters without spaces")
        config["key"], config["key_given"] = key, True
    else:
        config["key"], config["key_given"] = "book-first-slot-" + secrets.token_hex(16), False
    return config


def connect(config, service, method):
    host, port = config[service]
    try:
        return Connection(host, port, server_name=service, ca_file=config["ca"])
    except RpcError as error:
        rpc_error(method, error.status_name, f"cannot connect to {service}: {error.message}")
    except (OSError, ValueError) as error:  # the CA file does not load
        config_error(f"TILLIT_TLS_CA={config['ca']}: {error}")


def call(conn, name, service, request, response_type, authorization=None):
    metadata = {"authorization": authorization} if authorization else None
    try:
        return conn.call(f"/tillit.{service}.v1.{service.capitalize()}/{name}", request,
                         response_type, metadata=metadata, timeout=CALL_TIMEOUT)
    except RpcError as error:
        rpc_error(name, error.status_name, error.message)


def rfc3339(ts):
    """2026-12-04T08:00:00Z (a fraction only when the instant has one)."""
    text = datetime.fromtimestamp(ts.seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    if 0 < ts.nanos < 1_000_000_000:
        text += (".%09d" % ts.nanos).rstrip("0")
    return text + "Z"


def login(config):
    with connect(config, "identity", "Login") as conn:
        request = identity_pb2.LoginRequest(
            organization_id=common_pb2.OrganizationId(value=config["org"]),
            email=config["email"], password=config["password"])
        response = call(conn, "Login", "identity", request, identity_pb2.LoginResponse)
    if not response.tokens.access_token:
        rpc_error("Login", "INTERNAL", "the answer carries no access token")
    if response.totp_enrolment_required:
        rpc_error("Login", "FAILED_PRECONDITION",
                  "the account must enrol two-factor authentication first (use a client account)")
    return "Bearer " + response.tokens.access_token


def first_slot(conn, config, authorization, now):
    request = booking_pb2.SearchSlotsRequest(
        session_type_id=config["session_type"],
        during=common_pb2.TimeRange(start=common_pb2.Timestamp(seconds=now),
                                    end=common_pb2.Timestamp(seconds=now + SEARCH_DAYS * 86400)),
        # Slots come by start: the first page holds the first slot.
        page=common_pb2.PageRequest(page_size=1))
    if config["location"]:
        request.location_ids.append(config["location"])
    for _ in range(MAX_SLOT_PAGES):
        response = call(conn, "SearchSlots", "booking", request, booking_pb2.SearchSlotsResponse,
                        authorization)
        if response.slots:
            return response.slots[0]
        if not response.page.next_page_token:
            break
        request.page.page_token = response.page.next_page_token
    where = " at that location" if config["location"] else ""
    rpc_error("SearchSlots", "NOT_FOUND",
              f"no free slot of session type {config['session_type']} in the next {SEARCH_DAYS} days{where}")


def book(conn, config, authorization, practitioner_id, location_id, start):
    """BookAppointment for the signed-in client itself (no client_id). Returns the response, or
    raises RpcError; the same key and these same fields answer the same appointment."""
    request = booking_pb2.BookAppointmentRequest(
        idempotency_key=config["key"], session_type_id=config["session_type"],
        practitioner_id=common_pb2.AccountId(value=practitioner_id), location_id=location_id,
        start=common_pb2.Timestamp(seconds=start.seconds, nanos=start.nanos))
    return conn.call("/tillit.booking.v1.Booking/BookAppointment", request,
                     booking_pb2.BookAppointmentResponse,
                     metadata={"authorization": authorization}, timeout=CALL_TIMEOUT)


def replay(conn, config, authorization, now):
    """The key was used before (ALREADY_EXISTS): by an earlier run that booked what was then the
    first free slot, which a new search no longer shows. Replays the same request for each of the
    client's own appointments of this session type around now; the one the key was first used
    for answers the same appointment. None when none does."""
    request = booking_pb2.ListAppointmentsRequest(
        during=common_pb2.TimeRange(start=common_pb2.Timestamp(seconds=now - 62 * 86400),
                                    end=common_pb2.Timestamp(seconds=now + 62 * 86400)),
        page=common_pb2.PageRequest(page_size=100))
    for _ in range(MAX_APPOINTMENT_PAGES):
        listed = call(conn, "ListAppointments", "booking", request,
                      booking_pb2.ListAppointmentsResponse, authorization)
        for appointment in listed.appointments:
            if appointment.session_type_id != config["session_type"]:
                continue
            try:
                return book(conn, config, authorization, appointment.practitioner_id.value,
                            appointment.location_id, appointment.time.start)
            except RpcError as error:
                if error.code != StatusCode.ALREADY_EXISTS:
                    rpc_error("BookAppointment", error.status_name, error.message)
        if not listed.page.next_page_token:
            break
        request.page.page_token = listed.page.next_page_token
    return None


def main(argv):
    if len(argv) > 1:
        if argv[1] in ("-h", "--help"):
            sys.stdout.write(USAGE)
            return 0
        sys.stderr.write(USAGE)
        return 2
    config = load_config()
    authorization = login(config)

    with connect(config, "booking", "SearchSlots") as conn:
        now = int(time.time())
        slot = first_slot(conn, config, authorization, now)
        location_id = slot.location_id or config["location"]
        if not location_id:
            config_error("the slot names no location: set TILLIT_LOCATION")
        try:
            response = book(conn, config, authorization, slot.practitioner_id.value, location_id,
                            slot.time.start)
        except RpcError as error:
            response = None
            if error.code == StatusCode.ALREADY_EXISTS and config["key_given"]:
                response = replay(conn, config, authorization, now)
            if response is None:
                rpc_error("BookAppointment", error.status_name, error.message)

    appointment = response.appointment
    if not appointment.id:
        rpc_error("BookAppointment", "INTERNAL", "the answer carries no appointment")
    print(f"booked {appointment.id} {rfc3339(appointment.time.start)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
