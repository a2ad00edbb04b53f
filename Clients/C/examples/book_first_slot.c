/*
 * book_first_slot.c — an example C peer for a practice's own scripts: signs a client in at
 * Identity, searches Booking for the first free slot of one session type in the next 14 days and
 * books it for the signed-in client, then prints one line:
 *
 *     booked <appointment id> <start, RFC 3339 UTC>
 *
 * Configuration comes only from the environment:
 *
 *   TILLIT_IDENTITY_ADDR    Identity's host:port ([v6 address]:port for IPv6)
 *   TILLIT_BOOKING_ADDR     Booking's host:port
 *   TILLIT_TLS_CA           PEM file of the CA the services' certificates chain to; the
 *                           certificates must name "identity" and "booking" (whatever address
 *                           is dialled)
 *   TILLIT_ORG              the organisation id
 *   TILLIT_EMAIL            the client's e-mail
 *   TILLIT_PASSWORD         the client's password (an account without TOTP)
 *   TILLIT_SESSION_TYPE     the session type id
 *   TILLIT_LOCATION         optional: only slots at this location id (a slot names its location,
 *                           and that is what is booked)
 *   TILLIT_IDEMPOTENCY_KEY  optional: BookAppointment's idempotency key (1–100 printable ASCII
 *                           characters without spaces); default: a random one
 *
 * Exit status: 0 booked (also when a retry with the same key found the earlier booking);
 * 1 an RPC failed ("<program>: <Method>: <STATUS_NAME>: <message>" on stderr; transport errors
 * read as UNAVAILABLE, DEADLINE_EXCEEDED or INTERNAL, and "no free slot" as NOT_FOUND);
 * 2 usage or configuration error.
 *
 * Build: Clients/C/examples/build.sh <output path> (see Clients/C/README.md).
 */
#if !defined(_POSIX_C_SOURCE) || _POSIX_C_SOURCE < 200809L
#undef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "tillit_client.h"
#include "tillit/booking/v1/booking.pb-c.h"
#include "tillit/common/v1/common.pb-c.h"
#include "tillit/identity/v1/identity.pb-c.h"

/* Per-call deadline sent to the server. */
#define CALL_TIMEOUT_MS 10000u
/* Slot search window. */
#define SEARCH_DAYS 14
/* How many empty pages of slots to follow before giving up (a page should never be empty). */
#define MAX_SLOT_PAGES 20
/* Replay candidates read when the idempotency key was used before (pages of 100). */
#define MAX_APPOINTMENT_PAGES 10

static const char *program = "book_first_slot";

/* An address from the environment, split. */
typedef struct address {
    char host[256];
    uint16_t port;
} address;

/* Everything the environment configures. */
typedef struct config {
    address identity;
    address booking;
    const char *ca_file;
    const char *org;
    const char *email;
    const char *password;
    const char *session_type;
    const char *location; /* NULL: any */
    char key[101];
    int key_given; /* the key came from TILLIT_IDEMPOTENCY_KEY */
} config;

static void usage(FILE *out) {
    fprintf(out,
            "usage: %s   (no arguments; configured by the environment)\n"
            "  TILLIT_IDENTITY_ADDR, TILLIT_BOOKING_ADDR  host:port of Identity and Booking\n"
            "  TILLIT_TLS_CA                              CA PEM file (certificates name identity, booking)\n"
            "  TILLIT_ORG, TILLIT_EMAIL, TILLIT_PASSWORD  the client's organisation id and login\n"
            "  TILLIT_SESSION_TYPE                        session type id\n"
            "  TILLIT_LOCATION                            optional location id filter\n"
            "  TILLIT_IDEMPOTENCY_KEY                     optional booking key (default: random)\n"
            "Books the first free slot in the next %d days; prints \"booked <id> <start RFC 3339 UTC>\".\n",
            program, SEARCH_DAYS);
}

/* A usage or configuration error: exit 2. */
static void config_error(const char *format, ...) {
    va_list args;
    fprintf(stderr, "%s: ", program);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    exit(2);
}

/* An RPC error: exit 1. */
static void rpc_error(const char *method, const char *status_name, const char *message) {
    fprintf(stderr, "%s: %s: %s: %s\n", program, method, status_name, message);
    exit(1);
}

/* Reports a failed tillit_call (rc != 0) and exits 1. Transport errors read as the status the
 * Swift client gives them. */
static void call_failed(const char *method, int rc, const tillit_status *status) {
    if (rc > 0) {
        rpc_error(method, tillit_strerror(rc), status->message);
    }
    char message[512];
    if (rc == TILLIT_ERR_IO) {
        snprintf(message, sizeof message, "%s: %s", tillit_strerror(rc), strerror(errno));
    } else {
        snprintf(message, sizeof message, "%s", tillit_strerror(rc));
    }
    const char *name = "UNAVAILABLE";
    switch (rc) {
    case TILLIT_ERR_TIMEOUT: name = "DEADLINE_EXCEEDED"; break;
    case TILLIT_ERR_DECODE:
    case TILLIT_ERR_FRAME_TOO_LARGE:
    case TILLIT_ERR_INVALID:
    case TILLIT_ERR_NOMEM: name = "INTERNAL"; break;
    default: break;
    }
    rpc_error(method, name, message);
}

static const char *required_env(const char *name) {
    const char *value = getenv(name);
    if (value == NULL || value[0] == '\0') {
        config_error("%s is not set (see %s --help)", name, program);
    }
    return value;
}

/* "host:port" or "[v6]:port". */
static void parse_address(const char *name, address *out) {
    const char *text = required_env(name);
    const char *host = text;
    size_t host_len;
    const char *port_text;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (close == NULL || close[1] != ':') {
            config_error("%s=%s: expected host:port or [address]:port", name, text);
        }
        host = text + 1;
        host_len = (size_t)(close - host);
        port_text = close + 2;
    } else {
        const char *colon = strrchr(text, ':');
        if (colon == NULL || strchr(text, ':') != colon) {
            config_error("%s=%s: expected host:port or [address]:port", name, text);
        }
        host_len = (size_t)(colon - text);
        port_text = colon + 1;
    }
    if (host_len == 0 || host_len >= sizeof out->host) {
        config_error("%s=%s: bad host", name, text);
    }
    char *end = NULL;
    errno = 0;
    long port = strtol(port_text, &end, 10);
    if (port_text[0] == '\0' || *end != '\0' || errno != 0 || port < 1 || port > 65535) {
        config_error("%s=%s: bad port", name, text);
    }
    memcpy(out->host, host, host_len);
    out->host[host_len] = '\0';
    out->port = (uint16_t)port;
}

static void load_config(config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    parse_address("TILLIT_IDENTITY_ADDR", &cfg->identity);
    parse_address("TILLIT_BOOKING_ADDR", &cfg->booking);
    cfg->ca_file = required_env("TILLIT_TLS_CA");
    FILE *ca = fopen(cfg->ca_file, "r");
    if (ca == NULL) {
        config_error("TILLIT_TLS_CA=%s: %s", cfg->ca_file, strerror(errno));
    }
    fclose(ca);
    cfg->org = required_env("TILLIT_ORG");
    cfg->email = required_env("TILLIT_EMAIL");
    cfg->password = required_env("TILLIT_PASSWORD");
    cfg->session_type = required_env("TILLIT_SESSION_TYPE");
    const char *location = getenv("TILLIT_LOCATION");
    cfg->location = (location != NULL && location[0] != '\0') ? location : NULL;

    const char *key = getenv("TILLIT_IDEMPOTENCY_KEY");
    if (key != NULL && key[0] != '\0') {
        size_t len = strlen(key);
        if (len > 100) {
            config_error("TILLIT_IDEMPOTENCY_KEY: at most 100 characters (got %zu)", len);
        }
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)key[i];
            if (c < 0x21 || c > 0x7E) {
                config_error("TILLIT_IDEMPOTENCY_KEY: only printable ASCII characters without spaces");
            }
        }
        memcpy(cfg->key, key, len + 1);
        cfg->key_given = 1;
    } else {
        unsigned char random[16];
        if (RAND_bytes(random, (int)sizeof random) != 1) {
            fprintf(stderr, "%s: no random bytes for the idempotency key\n", program);
            exit(1);
        }
        static const char hex[] = "0123456789abcdef";
        char *p = cfg->key + sprintf(cfg->key, "book-first-slot-");
        for (size_t i = 0; i < sizeof random; i++) {
            *p++ = hex[random[i] >> 4];
            *p++ = hex[random[i] & 15];
        }
        *p = '\0';
    }
}

static tillit_conn *connect_to(const address *addr, const char *server_name, const char *ca_file,
                               const char *method) {
    tillit_tls_options tls = {.ca_file = ca_file, .server_name = server_name, .cert_file = NULL, .key_file = NULL};
    char err[512];
    tillit_conn *conn = tillit_connect_tls(addr->host, addr->port, &tls, err, sizeof err);
    if (conn == NULL) {
        fprintf(stderr, "%s: %s: UNAVAILABLE: cannot connect to %s at %s:%u: %s\n", program, method, server_name,
                addr->host, (unsigned)addr->port, err);
        exit(1);
    }
    return conn;
}

/* RFC 3339 in UTC: 2026-12-04T08:00:00Z (fraction only when the instant has one). */
static void format_rfc3339(const Tillit__Common__V1__Timestamp *ts, char *out, size_t outlen) {
    time_t seconds = (time_t)(ts != NULL ? ts->seconds : 0);
    int32_t nanos = ts != NULL ? ts->nanos : 0;
    struct tm tm;
    gmtime_r(&seconds, &tm);
    size_t n = strftime(out, outlen, "%Y-%m-%dT%H:%M:%S", &tm);
    if (nanos > 0 && nanos < 1000000000) {
        char frac[16];
        snprintf(frac, sizeof frac, ".%09d", (int)nanos);
        size_t len = strlen(frac);
        while (len > 1 && frac[len - 1] == '0') {
            frac[--len] = '\0';
        }
        snprintf(out + n, outlen - n, "%sZ", frac);
    } else {
        snprintf(out + n, outlen - n, "Z");
    }
}

/* Signs in; returns "Bearer <access token>" (malloc'd). */
static char *login(const config *cfg) {
    static const char method[] = "Login";
    tillit_conn *conn = connect_to(&cfg->identity, "identity", cfg->ca_file, method);

    Tillit__Common__V1__OrganizationId org = TILLIT__COMMON__V1__ORGANIZATION_ID__INIT;
    org.value = (char *)cfg->org;
    Tillit__Identity__V1__LoginRequest request = TILLIT__IDENTITY__V1__LOGIN_REQUEST__INIT;
    request.organization_id = &org;
    request.email = (char *)cfg->email;
    request.password = (char *)cfg->password;

    ProtobufCMessage *out = NULL;
    tillit_status status;
    int rc = tillit_call(conn, "/tillit.identity.v1.Identity/Login", &request.base,
                         &tillit__identity__v1__login_response__descriptor, CALL_TIMEOUT_MS, NULL, &out, &status);
    tillit_close(conn);
    if (rc != 0) {
        call_failed(method, rc, &status);
    }
    Tillit__Identity__V1__LoginResponse *response = (Tillit__Identity__V1__LoginResponse *)out;
    if (response->tokens == NULL || response->tokens->access_token == NULL ||
        response->tokens->access_token[0] == '\0') {
        rpc_error(method, "INTERNAL", "the answer carries no access token");
    }
    if (response->totp_enrolment_required) {
        rpc_error(method, "FAILED_PRECONDITION",
                  "the account must enrol two-factor authentication first (use a client account)");
    }
    size_t len = strlen(response->tokens->access_token);
    char *authorization = malloc(len + sizeof "Bearer ");
    if (authorization == NULL) {
        rpc_error(method, "INTERNAL", "out of memory");
    }
    memcpy(authorization, "Bearer ", 7);
    memcpy(authorization + 7, response->tokens->access_token, len + 1);
    protobuf_c_message_free_unpacked(out, NULL);
    return authorization;
}

/* The first free slot of the next SEARCH_DAYS days (free with protobuf_c_message_free_unpacked
 * on *page_out), or exits 1. */
static const Tillit__Booking__V1__Slot *first_slot(tillit_conn *conn, const config *cfg, const char *authorization,
                                                   time_t now, ProtobufCMessage **page_out) {
    static const char method[] = "SearchSlots";
    Tillit__Common__V1__Timestamp start = TILLIT__COMMON__V1__TIMESTAMP__INIT;
    start.seconds = (int64_t)now;
    Tillit__Common__V1__Timestamp end = TILLIT__COMMON__V1__TIMESTAMP__INIT;
    end.seconds = (int64_t)now + (int64_t)SEARCH_DAYS * 86400;
    Tillit__Common__V1__TimeRange during = TILLIT__COMMON__V1__TIME_RANGE__INIT;
    during.start = &start;
    during.end = &end;
    Tillit__Common__V1__PageRequest page = TILLIT__COMMON__V1__PAGE_REQUEST__INIT;
    page.page_size = 1; /* slots come by start: the first page holds the first slot */

    Tillit__Booking__V1__SearchSlotsRequest request = TILLIT__BOOKING__V1__SEARCH_SLOTS_REQUEST__INIT;
    request.session_type_id = (char *)cfg->session_type;
    request.during = &during;
    request.page = &page;
    char *locations[1] = {(char *)cfg->location};
    if (cfg->location != NULL) {
        request.n_location_ids = 1;
        request.location_ids = locations;
    }

    char *token = NULL;
    for (int i = 0; i < MAX_SLOT_PAGES; i++) {
        page.page_token = token != NULL ? token : (char *)protobuf_c_empty_string;
        ProtobufCMessage *out = NULL;
        tillit_status status;
        int rc = tillit_call(conn, "/tillit.booking.v1.Booking/SearchSlots", &request.base,
                             &tillit__booking__v1__search_slots_response__descriptor, CALL_TIMEOUT_MS, authorization,
                             &out, &status);
        free(token);
        token = NULL;
        if (rc != 0) {
            call_failed(method, rc, &status);
        }
        Tillit__Booking__V1__SearchSlotsResponse *response = (Tillit__Booking__V1__SearchSlotsResponse *)out;
        if (response->n_slots > 0) {
            *page_out = out;
            return response->slots[0];
        }
        if (response->page != NULL && response->page->next_page_token != NULL &&
            response->page->next_page_token[0] != '\0') {
            token = strdup(response->page->next_page_token);
        }
        protobuf_c_message_free_unpacked(out, NULL);
        if (token == NULL) {
            break;
        }
    }
    free(token);
    char message[300];
    snprintf(message, sizeof message, "no free slot of session type %s in the next %d days%s", cfg->session_type,
             SEARCH_DAYS, cfg->location != NULL ? " at that location" : "");
    rpc_error(method, "NOT_FOUND", message);
    return NULL;
}

/* One BookAppointment; returns the gRPC code (0: *out set) and fills *status; exits 1 on a
 * transport error. */
static int book(tillit_conn *conn, const config *cfg, const char *authorization, const char *practitioner_id,
                const char *location_id, const Tillit__Common__V1__Timestamp *slot_start,
                Tillit__Booking__V1__BookAppointmentResponse **out, tillit_status *status) {
    Tillit__Common__V1__AccountId practitioner = TILLIT__COMMON__V1__ACCOUNT_ID__INIT;
    practitioner.value = (char *)practitioner_id;
    Tillit__Common__V1__Timestamp start = TILLIT__COMMON__V1__TIMESTAMP__INIT;
    start.seconds = slot_start->seconds;
    start.nanos = slot_start->nanos;

    /* No client_id: the signed-in client books for itself. The same key and these same fields
     * answer the same appointment on a retry. */
    Tillit__Booking__V1__BookAppointmentRequest request = TILLIT__BOOKING__V1__BOOK_APPOINTMENT_REQUEST__INIT;
    request.idempotency_key = (char *)cfg->key;
    request.session_type_id = (char *)cfg->session_type;
    request.practitioner_id = &practitioner;
    request.location_id = (char *)location_id;
    request.start = &start;

    ProtobufCMessage *response = NULL;
    int rc = tillit_call(conn, "/tillit.booking.v1.Booking/BookAppointment", &request.base,
                         &tillit__booking__v1__book_appointment_response__descriptor, CALL_TIMEOUT_MS, authorization,
                         &response, status);
    if (rc < 0) {
        call_failed("BookAppointment", rc, status);
    }
    *out = (Tillit__Booking__V1__BookAppointmentResponse *)response;
    return rc;
}

/*
 * The key was used before (ALREADY_EXISTS): by an earlier run that booked what was then the
 * first free slot, which a new search no longer shows. Replays the same request for each of the
 * client's own appointments of this session type around now; the one the key was first used for
 * answers the same appointment. Returns NULL when none does.
 */
static Tillit__Booking__V1__BookAppointmentResponse *replay(tillit_conn *conn, const config *cfg,
                                                            const char *authorization, time_t now) {
    Tillit__Common__V1__Timestamp from = TILLIT__COMMON__V1__TIMESTAMP__INIT;
    from.seconds = (int64_t)now - 62 * 86400;
    Tillit__Common__V1__Timestamp until = TILLIT__COMMON__V1__TIMESTAMP__INIT;
    until.seconds = (int64_t)now + 62 * 86400;
    Tillit__Common__V1__TimeRange during = TILLIT__COMMON__V1__TIME_RANGE__INIT;
    during.start = &from;
    during.end = &until;
    Tillit__Common__V1__PageRequest page = TILLIT__COMMON__V1__PAGE_REQUEST__INIT;
    page.page_size = 100;
    Tillit__Booking__V1__ListAppointmentsRequest request = TILLIT__BOOKING__V1__LIST_APPOINTMENTS_REQUEST__INIT;
    request.during = &during;
    request.page = &page;

    char *token = NULL;
    for (int i = 0; i < MAX_APPOINTMENT_PAGES; i++) {
        page.page_token = token != NULL ? token : (char *)protobuf_c_empty_string;
        ProtobufCMessage *out = NULL;
        tillit_status status;
        int rc = tillit_call(conn, "/tillit.booking.v1.Booking/ListAppointments", &request.base,
                             &tillit__booking__v1__list_appointments_response__descriptor, CALL_TIMEOUT_MS,
                             authorization, &out, &status);
        free(token);
        token = NULL;
        if (rc != 0) {
            call_failed("ListAppointments", rc, &status);
        }
        Tillit__Booking__V1__ListAppointmentsResponse *list = (Tillit__Booking__V1__ListAppointmentsResponse *)out;
        for (size_t j = 0; j < list->n_appointments; j++) {
            const Tillit__Booking__V1__Appointment *a = list->appointments[j];
            if (a->session_type_id == NULL || strcmp(a->session_type_id, cfg->session_type) != 0 ||
                a->practitioner_id == NULL || a->time == NULL || a->time->start == NULL) {
                continue;
            }
            Tillit__Booking__V1__BookAppointmentResponse *booked = NULL;
            tillit_status book_status;
            rc = book(conn, cfg, authorization, a->practitioner_id->value, a->location_id, a->time->start, &booked,
                      &book_status);
            if (rc == 0) {
                protobuf_c_message_free_unpacked(out, NULL);
                return booked;
            }
            if (rc != TILLIT_CODE_ALREADY_EXISTS) {
                call_failed("BookAppointment", rc, &book_status);
            }
        }
        if (list->page != NULL && list->page->next_page_token != NULL && list->page->next_page_token[0] != '\0') {
            token = strdup(list->page->next_page_token);
        }
        protobuf_c_message_free_unpacked(out, NULL);
        if (token == NULL) {
            break;
        }
    }
    free(token);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc > 0 && argv[0] != NULL && argv[0][0] != '\0') {
        const char *slash = strrchr(argv[0], '/');
        program = slash != NULL ? slash + 1 : argv[0];
    }
    if (argc > 1) {
        if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        usage(stderr);
        return 2;
    }
    /* OpenSSL writes with write(2): a peer that closed must not kill the program. */
    signal(SIGPIPE, SIG_IGN);

    config cfg;
    load_config(&cfg);
    char *authorization = login(&cfg);

    tillit_conn *conn = connect_to(&cfg.booking, "booking", cfg.ca_file, "SearchSlots");
    time_t now = time(NULL);
    ProtobufCMessage *slots = NULL;
    const Tillit__Booking__V1__Slot *slot = first_slot(conn, &cfg, authorization, now, &slots);
    if (slot->practitioner_id == NULL || slot->time == NULL || slot->time->start == NULL) {
        rpc_error("SearchSlots", "INTERNAL", "the slot lacks its practitioner or start");
    }
    const char *location_id = (slot->location_id != NULL && slot->location_id[0] != '\0') ? slot->location_id
                                                                                          : cfg.location;
    if (location_id == NULL) {
        config_error("the slot names no location: set TILLIT_LOCATION");
    }

    Tillit__Booking__V1__BookAppointmentResponse *booked = NULL;
    tillit_status status;
    int rc = book(conn, &cfg, authorization, slot->practitioner_id->value, location_id, slot->time->start, &booked,
                  &status);
    if (rc == TILLIT_CODE_ALREADY_EXISTS && cfg.key_given) {
        booked = replay(conn, &cfg, authorization, now);
        if (booked != NULL) {
            rc = 0;
        }
    }
    if (rc != 0) {
        call_failed("BookAppointment", rc, &status);
    }
    protobuf_c_message_free_unpacked(slots, NULL);

    const Tillit__Booking__V1__Appointment *appointment = booked->appointment;
    if (appointment == NULL || appointment->id == NULL || appointment->time == NULL) {
        rpc_error("BookAppointment", "INTERNAL", "the answer carries no appointment");
    }
    char start[64];
    format_rfc3339(appointment->time->start, start, sizeof start);
    printf("booked %s %s\n", appointment->id, start);
    fflush(stdout);

    protobuf_c_message_free_unpacked(&booked->base, NULL);
    tillit_close(conn);
    free(authorization);
    return 0;
}
