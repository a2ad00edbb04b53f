/*
 * tillit_client.c — the blocking C client for Tillit's RPC protocol; see tillit_client.h.
 *
 * C11 plus POSIX.1-2008 (sockets, poll, clock_gettime).
 */
#if defined(__APPLE__) && !defined(_DARWIN_C_SOURCE)
#define _DARWIN_C_SOURCE /* SO_NOSIGPIPE */
#endif
#if !defined(_POSIX_C_SOURCE) || _POSIX_C_SOURCE < 200809L
#undef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "tillit_client.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#ifdef MSG_NOSIGNAL
#define TILLIT_SEND_FLAGS MSG_NOSIGNAL
#else
#define TILLIT_SEND_FLAGS 0
#endif

/** Length of a generated x-request-id (a UUID in text form), without the NUL. */
#define TILLIT_GENERATED_ID_LEN 36

struct tillit_conn {
    int fd;
    /** TLS (tillit_connect_tls), or NULL for plaintext. */
    SSL_CTX *ssl_ctx;
    SSL *ssl;
    /** The next call id; never 0 (0 is for connection-level frames). */
    uint64_t next_call_id;
    size_t max_frame_size;
    /** How long tillit_call waits beyond a call's timeout (TILLIT_RESPONSE_GRACE_MS by default). */
    uint32_t response_grace_ms;
    /** State of the generator of request ids (splitmix64). */
    uint64_t rng;
    /** Set once the server sent GOAWAY. */
    int goaway;
    /** Set once the stream may be mid-frame or the peer is gone. */
    int broken;
};

/* ---- small helpers ------------------------------------------------------------------------- */

/** Metadata keys, as the mutable `char *` protobuf-c's structs hold (packing never writes). */
static char key_authorization[] = "authorization";
static char key_request_id[] = "x-request-id";

/** protobuf-c's structs hold `char *` even for data they only read when packing. */
static char *unconst(const char *s) {
    return (char *)(uintptr_t)s;
}

static void set_error(char *err, size_t errlen, const char *fmt, const char *a, const char *b) {
    if (err != NULL && errlen > 0) {
        snprintf(err, errlen, fmt, a, b);
    }
}

/** Copies `src` into `dst` (capacity `cap` > 0), cutting it if needed; always NUL-terminates. */
static void copy_string(char *dst, size_t cap, const char *src) {
    size_t n = src != NULL ? strlen(src) : 0;
    if (n >= cap) {
        n = cap - 1;
    }
    if (n > 0) {
        memcpy(dst, src, n);
    }
    dst[n] = '\0';
}

/** Monotonic time in milliseconds. */
static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + (int64_t)(ts.tv_nsec / 1000000);
}

/**
 * Waits until `fd` is ready for `events` or the monotonic `deadline` (ms; negative = none)
 * passes. Returns TILLIT_OK, TILLIT_ERR_TIMEOUT or TILLIT_ERR_IO.
 */
static int wait_ready(int fd, short events, int64_t deadline) {
    for (;;) {
        int timeout = -1;
        if (deadline >= 0) {
            int64_t left = deadline - now_ms();
            if (left < 0) {
                left = 0;
            }
            timeout = left > INT_MAX ? INT_MAX : (int)left;
        }
        struct pollfd pfd;
        pfd.fd = fd;
        pfd.events = events;
        pfd.revents = 0;
        int r = poll(&pfd, 1, timeout);
        if (r > 0) {
            return TILLIT_OK; /* ready, or an error/hang-up that the next read/write reports */
        }
        if (r == 0) {
            if (timeout == 0) {
                return TILLIT_ERR_TIMEOUT;
            }
            continue; /* woke early (or INT_MAX clamp): re-check the clock */
        }
        if (errno != EINTR) {
            return TILLIT_ERR_IO;
        }
    }
}

/**
 * Reads exactly `n` bytes. `*got` counts the bytes read so far (also on failure). With a
 * deadline, waits for readability first. Returns TILLIT_OK, TILLIT_ERR_CLOSED,
 * TILLIT_ERR_TIMEOUT or TILLIT_ERR_IO.
 */
static int read_full(int fd, SSL *ssl, uint8_t *buf, size_t n, int64_t deadline, size_t *got) {
    *got = 0;
    while (*got < n) {
        if (ssl != NULL) {
            /* Decrypted bytes may already be buffered; otherwise wait for the socket. */
            if (deadline >= 0 && SSL_pending(ssl) == 0) {
                int w = wait_ready(fd, POLLIN, deadline);
                if (w != TILLIT_OK) {
                    return w;
                }
            }
            size_t chunk = n - *got > INT_MAX ? INT_MAX : n - *got;
            int r = SSL_read(ssl, buf + *got, (int)chunk);
            if (r > 0) {
                *got += (size_t)r;
                continue;
            }
            int e = SSL_get_error(ssl, r);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                int w = wait_ready(fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
                if (w != TILLIT_OK) {
                    return w;
                }
                continue;
            }
            if (e == SSL_ERROR_SYSCALL && errno == EINTR) {
                continue;
            }
            ERR_clear_error();
            return e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && r == 0) ? TILLIT_ERR_CLOSED
                                                                                  : TILLIT_ERR_IO;
        }
        if (deadline >= 0) {
            int w = wait_ready(fd, POLLIN, deadline);
            if (w != TILLIT_OK) {
                return w;
            }
        }
        ssize_t r = read(fd, buf + *got, n - *got);
        if (r > 0) {
            *got += (size_t)r;
        } else if (r == 0) {
            return TILLIT_ERR_CLOSED;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            /* A non-blocking descriptor: wait for data rather than spin. */
            int w = wait_ready(fd, POLLIN, deadline);
            if (w != TILLIT_OK) {
                return w;
            }
        } else {
            return TILLIT_ERR_IO;
        }
    }
    return TILLIT_OK;
}

/** Writes all `n` bytes. Returns TILLIT_OK, TILLIT_ERR_CLOSED or TILLIT_ERR_IO. */
static int write_full(int fd, SSL *ssl, const uint8_t *buf, size_t n) {
    size_t done = 0;
    int use_send = 1;
    while (ssl != NULL && done < n) {
        size_t chunk = n - done > INT_MAX ? INT_MAX : n - done;
        int r = SSL_write(ssl, buf + done, (int)chunk);
        if (r > 0) {
            done += (size_t)r;
            continue;
        }
        int e = SSL_get_error(ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            if (wait_ready(fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, -1) != TILLIT_OK) {
                return TILLIT_ERR_IO;
            }
            continue;
        }
        if (e == SSL_ERROR_SYSCALL && errno == EINTR) {
            continue;
        }
        ERR_clear_error();
        return e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && (errno == EPIPE || errno == ECONNRESET))
                   ? TILLIT_ERR_CLOSED
                   : TILLIT_ERR_IO;
    }
    while (done < n) {
        ssize_t r;
        if (use_send) {
            r = send(fd, buf + done, n - done, TILLIT_SEND_FLAGS);
            if (r < 0 && errno == ENOTSOCK) {
                use_send = 0;
                continue;
            }
        } else {
            r = write(fd, buf + done, n - done);
        }
        if (r >= 0) {
            done += (size_t)r;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (wait_ready(fd, POLLOUT, -1) != TILLIT_OK) {
                return TILLIT_ERR_IO;
            }
        } else if (errno == EPIPE || errno == ECONNRESET) {
            return TILLIT_ERR_CLOSED;
        } else {
            return TILLIT_ERR_IO;
        }
    }
    return TILLIT_OK;
}

/**
 * Reads one frame (see tillit_frame_read) with an optional deadline. `*desync` is set when the
 * stream may no longer be at a frame boundary (part of a frame consumed, or a body skipped).
 */
static Tillit__Rpc__V1__Frame *read_frame(int fd, SSL *ssl, size_t max_frame_size, int64_t deadline,
                                          int *status, int *desync) {
    static const uint8_t empty = 0;
    uint8_t header[4];
    size_t got = 0;
    *desync = 0;
    if (max_frame_size == 0) {
        max_frame_size = TILLIT_DEFAULT_MAX_FRAME_SIZE;
    }

    int rc = read_full(fd, ssl, header, sizeof header, deadline, &got);
    if (rc != TILLIT_OK) {
        *desync = got > 0;
        *status = rc;
        return NULL;
    }
    uint32_t len = ((uint32_t)header[0] << 24) | ((uint32_t)header[1] << 16) | ((uint32_t)header[2] << 8) |
                   (uint32_t)header[3];
    if ((uint64_t)len > (uint64_t)max_frame_size) {
        *desync = 1;
        *status = TILLIT_ERR_FRAME_TOO_LARGE;
        return NULL;
    }

    uint8_t *body = NULL;
    if (len > 0) {
        body = malloc(len);
        if (body == NULL) {
            *desync = 1;
            *status = TILLIT_ERR_NOMEM;
            return NULL;
        }
        rc = read_full(fd, ssl, body, len, deadline, &got);
        if (rc != TILLIT_OK) {
            free(body);
            *desync = 1;
            *status = rc;
            return NULL;
        }
    }
    Tillit__Rpc__V1__Frame *frame = tillit__rpc__v1__frame__unpack(NULL, len, body != NULL ? body : &empty);
    free(body);
    if (frame == NULL) {
        *status = TILLIT_ERR_DECODE;
        return NULL;
    }
    *status = TILLIT_OK;
    return frame;
}

/** splitmix64: a small, well-mixed generator; good enough for unique request ids. */
static uint64_t next_random(uint64_t *state) {
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/** A seed from /dev/urandom, mixed with the clock and the connection's address as a fallback. */
static uint64_t random_seed(const void *salt) {
    uint64_t seed = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        size_t got = 0;
        (void)read_full(fd, NULL, (uint8_t *)&seed, sizeof seed, -1, &got);
        close(fd);
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    seed ^= ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)salt ^
            ((uint64_t)getpid() << 16);
    return seed;
}

/** Writes a random (version 4) UUID in lower-case text form into `out` (37 bytes). */
static void generate_request_id(uint64_t *rng, char out[TILLIT_GENERATED_ID_LEN + 1]) {
    static const char hex[] = "0123456789abcdef";
    uint8_t bytes[16];
    uint64_t a = next_random(rng);
    uint64_t b = next_random(rng);
    for (int i = 0; i < 8; i++) {
        bytes[i] = (uint8_t)(a >> (8 * i));
        bytes[8 + i] = (uint8_t)(b >> (8 * i));
    }
    bytes[6] = (uint8_t)((bytes[6] & 0x0F) | 0x40); /* version 4 */
    bytes[8] = (uint8_t)((bytes[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out[o++] = '-';
        }
        out[o++] = hex[bytes[i] >> 4];
        out[o++] = hex[bytes[i] & 0x0F];
    }
    out[o] = '\0';
}

/** Writes `frame` with its length prefix to `fd`, through `ssl` when not NULL. */
static int write_frame(int fd, SSL *ssl, const Tillit__Rpc__V1__Frame *frame) {
    if (frame == NULL) {
        return TILLIT_ERR_INVALID;
    }
    size_t size = tillit__rpc__v1__frame__get_packed_size(frame);
    if ((uint64_t)size > (uint64_t)UINT32_MAX || size > SIZE_MAX - 4) {
        return TILLIT_ERR_INVALID;
    }
    uint8_t *buf = malloc(size + 4);
    if (buf == NULL) {
        return TILLIT_ERR_NOMEM;
    }
    buf[0] = (uint8_t)(size >> 24);
    buf[1] = (uint8_t)(size >> 16);
    buf[2] = (uint8_t)(size >> 8);
    buf[3] = (uint8_t)size;
    size_t packed = tillit__rpc__v1__frame__pack(frame, buf + 4);
    int rc = packed == size ? write_full(fd, ssl, buf, size + 4) : TILLIT_ERR_INVALID;
    free(buf);
    return rc;
}

/** Sends a connection-level or call-level control frame (PONG, CANCEL). */
static int write_control(const tillit_conn *conn, Tillit__Rpc__V1__FrameKind kind, uint64_t call_id) {
    Tillit__Rpc__V1__Frame frame;
    tillit__rpc__v1__frame__init(&frame);
    frame.kind = kind;
    frame.call_id = call_id;
    return write_frame(conn->fd, conn->ssl, &frame);
}

/** Connects `fd` to `addr`, finishing a connect interrupted by a signal. Sets errno on failure. */
static int connect_socket(int fd, const struct sockaddr *addr, socklen_t addrlen) {
    if (connect(fd, addr, addrlen) == 0) {
        return 0;
    }
    if (errno != EINTR && errno != EINPROGRESS) {
        return -1;
    }
    /* The connection attempt continues asynchronously: wait for it and collect its result. */
    if (wait_ready(fd, POLLOUT, -1) != TILLIT_OK) {
        return -1;
    }
    int so_error = 0;
    socklen_t so_len = sizeof so_error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &so_len) != 0) {
        return -1;
    }
    if (so_error != 0) {
        errno = so_error;
        return -1;
    }
    return 0;
}

/* ---- public API ---------------------------------------------------------------------------- */

tillit_conn *tillit_connect(const char *host, uint16_t port, char *err, size_t errlen) {
    if (err != NULL && errlen > 0) {
        err[0] = '\0';
    }
    if (host == NULL) {
        set_error(err, errlen, "%s%s", "host is NULL", "");
        return NULL;
    }
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);

    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    struct addrinfo *addresses = NULL;
    int gai = getaddrinfo(host, service, &hints, &addresses);
    if (gai != 0) {
        set_error(err, errlen, "cannot resolve %s: %s", host, gai_strerror(gai));
        return NULL;
    }

    int fd = -1;
    int last_errno = 0;
    for (struct addrinfo *ai = addresses; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
        if (connect_socket(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        last_errno = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(addresses);
    if (fd < 0) {
        char where[300];
        snprintf(where, sizeof where, "%s:%u", host, (unsigned)port);
        set_error(err, errlen, "cannot connect to %s: %s", where, strerror(last_errno));
        return NULL;
    }

    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#ifdef SO_NOSIGPIPE
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif

    tillit_conn *conn = calloc(1, sizeof *conn);
    if (conn == NULL) {
        close(fd);
        set_error(err, errlen, "%s%s", "out of memory", "");
        return NULL;
    }
    conn->fd = fd;
    conn->next_call_id = 1;
    conn->max_frame_size = TILLIT_DEFAULT_MAX_FRAME_SIZE;
    conn->response_grace_ms = TILLIT_RESPONSE_GRACE_MS;
    conn->rng = random_seed(conn);
    return conn;
}

/** Puts OpenSSL's reason for the last failure (or the verification result) into `err`. */
static void set_tls_error(char *err, size_t errlen, const char *what, SSL *ssl) {
    char reason[256] = "";
    long verify = ssl != NULL ? SSL_get_verify_result(ssl) : X509_V_OK;
    if (verify != X509_V_OK) {
        snprintf(reason, sizeof reason, "certificate verification failed: %s",
                 X509_verify_cert_error_string(verify));
    } else {
        unsigned long code = ERR_peek_last_error();
        if (code != 0) {
            ERR_error_string_n(code, reason, sizeof reason);
        } else {
            snprintf(reason, sizeof reason, "%s", "connection closed during the handshake");
        }
    }
    ERR_clear_error();
    set_error(err, errlen, "%s: %s", what, reason);
}

tillit_conn *tillit_connect_tls(const char *host, uint16_t port, const tillit_tls_options *options, char *err,
                                size_t errlen) {
    if (options == NULL || options->ca_file == NULL) {
        set_error(err, errlen, "%s%s", "TLS needs options with a ca_file", "");
        return NULL;
    }
    if ((options->cert_file == NULL) != (options->key_file == NULL)) {
        set_error(err, errlen, "%s%s", "cert_file and key_file go together", "");
        return NULL;
    }
    tillit_conn *conn = tillit_connect(host, port, err, errlen);
    if (conn == NULL) {
        return NULL;
    }
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    conn->ssl_ctx = ctx;
    if (ctx == NULL || SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1) {
        set_tls_error(err, errlen, "cannot set up TLS", NULL);
        tillit_close(conn);
        return NULL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_load_verify_locations(ctx, options->ca_file, NULL) != 1) {
        set_tls_error(err, errlen, "cannot load the CA file", NULL);
        tillit_close(conn);
        return NULL;
    }
    if (options->cert_file != NULL &&
        (SSL_CTX_use_certificate_chain_file(ctx, options->cert_file) != 1 ||
         SSL_CTX_use_PrivateKey_file(ctx, options->key_file, SSL_FILETYPE_PEM) != 1 ||
         SSL_CTX_check_private_key(ctx) != 1)) {
        set_tls_error(err, errlen, "cannot load the client certificate", NULL);
        tillit_close(conn);
        return NULL;
    }
    SSL *ssl = SSL_new(ctx);
    conn->ssl = ssl;
    if (ssl == NULL || SSL_set_fd(ssl, conn->fd) != 1) {
        set_tls_error(err, errlen, "cannot set up TLS", NULL);
        tillit_close(conn);
        return NULL;
    }
    /* The certificate must name the service asked for, or the address dialled. */
    const char *name = options->server_name != NULL ? options->server_name : host;
    unsigned char address[16];
    int is_address = inet_pton(AF_INET, name, address) == 1 || inet_pton(AF_INET6, name, address) == 1;
    int named = is_address ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name)
                           : (SSL_set_tlsext_host_name(ssl, name) == 1 && SSL_set1_host(ssl, name) == 1);
    if (!named) {
        set_tls_error(err, errlen, "cannot set the expected server name", NULL);
        tillit_close(conn);
        return NULL;
    }
    for (;;) {
        int r = SSL_connect(ssl);
        if (r == 1) {
            break;
        }
        int e = SSL_get_error(ssl, r);
        if (e == SSL_ERROR_SYSCALL && errno == EINTR) {
            continue;
        }
        conn->broken = 1;
        set_tls_error(err, errlen, "TLS handshake failed", ssl);
        tillit_close(conn);
        return NULL;
    }
    return conn;
}

void tillit_close(tillit_conn *conn) {
    if (conn == NULL) {
        return;
    }
    if (conn->ssl != NULL) {
        if (!conn->broken) {
            (void)SSL_shutdown(conn->ssl); /* close_notify; the answer is not awaited */
        }
        SSL_free(conn->ssl);
        ERR_clear_error();
    }
    if (conn->ssl_ctx != NULL) {
        SSL_CTX_free(conn->ssl_ctx);
    }
    if (conn->fd >= 0) {
        close(conn->fd);
    }
    free(conn);
}

int tillit_conn_fd(const tillit_conn *conn) {
    return conn != NULL ? conn->fd : -1;
}

void tillit_conn_set_max_frame_size(tillit_conn *conn, size_t max_frame_size) {
    if (conn != NULL) {
        conn->max_frame_size = max_frame_size != 0 ? max_frame_size : TILLIT_DEFAULT_MAX_FRAME_SIZE;
    }
}

void tillit_conn_set_response_grace(tillit_conn *conn, uint32_t grace_ms) {
    if (conn != NULL) {
        conn->response_grace_ms = grace_ms;
    }
}

int tillit_frame_write(int fd, const Tillit__Rpc__V1__Frame *frame) {
    return write_frame(fd, NULL, frame);
}

Tillit__Rpc__V1__Frame *tillit_frame_read(int fd, size_t max_frame_size, int *status) {
    int local_status = TILLIT_OK;
    int desync = 0;
    Tillit__Rpc__V1__Frame *frame =
        read_frame(fd, NULL, max_frame_size, -1, status != NULL ? status : &local_status, &desync);
    return frame;
}

int tillit_call(tillit_conn *conn, const char *method, const ProtobufCMessage *request,
                const ProtobufCMessageDescriptor *response_descriptor, uint32_t timeout_ms,
                const char *authorization, ProtobufCMessage **response_out, tillit_status *status_out) {
    static const uint8_t empty = 0;
    if (response_out != NULL) {
        *response_out = NULL;
    }
    if (status_out != NULL) {
        status_out->code = -1;
        status_out->message[0] = '\0';
        status_out->request_id[0] = '\0';
    }
    if (conn == NULL || method == NULL || (response_out != NULL && response_descriptor == NULL)) {
        return TILLIT_ERR_INVALID;
    }
    if (conn->broken) {
        return TILLIT_ERR_BROKEN;
    }
    if (conn->goaway) {
        return TILLIT_ERR_GOAWAY;
    }

    /* The request payload. */
    size_t payload_size = request != NULL ? protobuf_c_message_get_packed_size(request) : 0;
    uint8_t *payload = NULL;
    if (payload_size > 0) {
        payload = malloc(payload_size);
        if (payload == NULL) {
            return TILLIT_ERR_NOMEM;
        }
        protobuf_c_message_pack(request, payload);
    }

    /* The REQUEST frame. */
    char request_id[TILLIT_GENERATED_ID_LEN + 1];
    generate_request_id(&conn->rng, request_id);
    Tillit__Rpc__V1__MetadataEntry entries[2];
    Tillit__Rpc__V1__MetadataEntry *entry_pointers[2];
    size_t n_entries = 0;
    if (authorization != NULL) {
        tillit__rpc__v1__metadata_entry__init(&entries[n_entries]);
        entries[n_entries].key = key_authorization;
        entries[n_entries].value = unconst(authorization);
        entry_pointers[n_entries] = &entries[n_entries];
        n_entries++;
    }
    tillit__rpc__v1__metadata_entry__init(&entries[n_entries]);
    entries[n_entries].key = key_request_id;
    entries[n_entries].value = request_id;
    entry_pointers[n_entries] = &entries[n_entries];
    n_entries++;

    uint64_t call_id = conn->next_call_id++;
    if (conn->next_call_id == 0) {
        conn->next_call_id = 1;
    }
    Tillit__Rpc__V1__Frame frame;
    tillit__rpc__v1__frame__init(&frame);
    frame.call_id = call_id;
    frame.kind = TILLIT__RPC__V1__FRAME_KIND__FRAME_KIND_REQUEST;
    frame.method = unconst(method);
    frame.n_metadata = n_entries;
    frame.metadata = entry_pointers;
    frame.timeout_micros = (uint64_t)timeout_ms * 1000u;
    frame.payload.len = payload_size;
    frame.payload.data = payload;

    int64_t deadline = timeout_ms > 0 ? now_ms() + (int64_t)timeout_ms + (int64_t)conn->response_grace_ms : -1;
    int rc = write_frame(conn->fd, conn->ssl, &frame);
    free(payload);
    if (rc != TILLIT_OK) {
        if (rc != TILLIT_ERR_NOMEM && rc != TILLIT_ERR_INVALID) {
            conn->broken = 1; /* part of the frame may have been written */
        }
        return rc;
    }

    /* Read until our RESPONSE arrives. */
    for (;;) {
        int desync = 0;
        Tillit__Rpc__V1__Frame *in =
            read_frame(conn->fd, conn->ssl, conn->max_frame_size, deadline, &rc, &desync);
        if (in == NULL) {
            if (rc == TILLIT_ERR_TIMEOUT && !desync) {
                /* Tell the server we stopped waiting; its late answer is skipped by later calls. */
                if (write_control(conn, TILLIT__RPC__V1__FRAME_KIND__FRAME_KIND_CANCEL, call_id) != TILLIT_OK) {
                    conn->broken = 1;
                }
            } else {
                /* Mid-frame, closed, oversized or garbage: the stream cannot be trusted again. */
                conn->broken = 1;
            }
            return rc;
        }

        switch (in->kind) {
        case TILLIT__RPC__V1__FRAME_KIND__FRAME_KIND_PING:
            rc = write_control(conn, TILLIT__RPC__V1__FRAME_KIND__FRAME_KIND_PONG, in->call_id);
            tillit__rpc__v1__frame__free_unpacked(in, NULL);
            if (rc != TILLIT_OK) {
                conn->broken = 1;
                return rc;
            }
            continue;
        case TILLIT__RPC__V1__FRAME_KIND__FRAME_KIND_GOAWAY:
            conn->goaway = 1;
            tillit__rpc__v1__frame__free_unpacked(in, NULL);
            continue;
        case TILLIT__RPC__V1__FRAME_KIND__FRAME_KIND_RESPONSE:
            if (in->call_id == call_id) {
                break;
            }
            tillit__rpc__v1__frame__free_unpacked(in, NULL);
            continue;
        default:
            tillit__rpc__v1__frame__free_unpacked(in, NULL);
            continue;
        }

        /* Our response. */
        int32_t code = in->status != NULL ? in->status->code : 0;
        if (status_out != NULL) {
            for (size_t i = 0; i < in->n_metadata; i++) {
                const Tillit__Rpc__V1__MetadataEntry *e = in->metadata[i];
                if (e->key != NULL && strcmp(e->key, key_request_id) == 0) {
                    copy_string(status_out->request_id, sizeof status_out->request_id, e->value);
                    break;
                }
            }
        }
        if (code == 0) {
            rc = TILLIT_OK;
            if (response_out != NULL) {
                ProtobufCMessage *response =
                    protobuf_c_message_unpack(response_descriptor, NULL, in->payload.len,
                                              in->payload.data != NULL ? in->payload.data : &empty);
                if (response == NULL) {
                    rc = TILLIT_ERR_DECODE;
                } else {
                    *response_out = response;
                }
            }
            if (status_out != NULL) {
                status_out->code = 0;
            }
        } else {
            rc = code > 0 ? code : TILLIT_CODE_UNKNOWN;
            if (status_out != NULL) {
                status_out->code = rc;
                copy_string(status_out->message, sizeof status_out->message, in->status->message);
            }
        }
        tillit__rpc__v1__frame__free_unpacked(in, NULL);
        return rc;
    }
}

const char *tillit_strerror(int code) {
    switch (code) {
    case TILLIT_CODE_OK: return "OK";
    case TILLIT_CODE_CANCELLED: return "CANCELLED";
    case TILLIT_CODE_UNKNOWN: return "UNKNOWN";
    case TILLIT_CODE_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case TILLIT_CODE_DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case TILLIT_CODE_NOT_FOUND: return "NOT_FOUND";
    case TILLIT_CODE_ALREADY_EXISTS: return "ALREADY_EXISTS";
    case TILLIT_CODE_PERMISSION_DENIED: return "PERMISSION_DENIED";
    case TILLIT_CODE_RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case TILLIT_CODE_FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case TILLIT_CODE_ABORTED: return "ABORTED";
    case TILLIT_CODE_OUT_OF_RANGE: return "OUT_OF_RANGE";
    case TILLIT_CODE_UNIMPLEMENTED: return "UNIMPLEMENTED";
    case TILLIT_CODE_INTERNAL: return "INTERNAL";
    case TILLIT_CODE_UNAVAILABLE: return "UNAVAILABLE";
    case TILLIT_CODE_DATA_LOSS: return "DATA_LOSS";
    case TILLIT_CODE_UNAUTHENTICATED: return "UNAUTHENTICATED";
    case TILLIT_ERR_IO: return "I/O error";
    case TILLIT_ERR_CLOSED: return "connection closed by peer";
    case TILLIT_ERR_FRAME_TOO_LARGE: return "frame larger than the maximum frame size";
    case TILLIT_ERR_DECODE: return "malformed frame or response payload";
    case TILLIT_ERR_NOMEM: return "out of memory";
    case TILLIT_ERR_TIMEOUT: return "timed out waiting for the response";
    case TILLIT_ERR_INVALID: return "invalid argument";
    case TILLIT_ERR_GOAWAY: return "server sent GOAWAY; reconnect";
    case TILLIT_ERR_BROKEN: return "connection unusable after an earlier error";
    default: return code > 0 ? "unknown status code" : "unknown error";
    }
}
