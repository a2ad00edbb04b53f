/*
 * pingpong.c: the bare-C baseline of Benchmarks/run. A server thread echoes 4-byte big-endian
 * length-prefixed frames over loopback TCP; the client (this process's main thread, a poll loop
 * on a non-blocking socket) keeps N frames in flight by writing N frames first, then one new
 * frame per answer. Measures sequential round trips (N = 1) and throughput at each N, and prints
 * one JSON line of the same shape as the Swift bench, with getrusage's ru_maxrss.
 *
 * Usage: pingpong --size BYTES [--warmup N] [--sequential N] [--seconds S] [--concurrency 1,32,128]
 * Build: gcc -O2 -Wall -Wextra -pthread -o pingpong pingpong.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#define MAX_LEVELS 16
#define MAX_IOV 64

/* Dies with a message and errno's text. */
static void die(const char *what) {
    perror(what);
    exit(1);
}

/* Monotonic nanoseconds. */
static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Reads a big-endian 32-bit length. */
static uint32_t read_be32(const unsigned char *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* Writes all of buf to a blocking socket. */
static void write_all(int fd, const unsigned char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("server write");
        }
        buf += n;
        len -= (size_t)n;
    }
}

/* The server thread's state: its listening socket and the largest frame it must hold. */
struct server {
    int listen_fd;
    size_t max_frame;
};

/* Accepts one connection and echoes every complete frame (written back in one write per read)
 * until the peer closes. */
static void *serve(void *arg) {
    struct server *server = arg;
    int fd = accept(server->listen_fd, NULL, NULL);
    if (fd < 0) die("accept");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    size_t cap = 2 * server->max_frame + 256 * 1024;
    unsigned char *buf = malloc(cap);
    if (!buf) die("malloc");
    size_t have = 0;
    for (;;) {
        ssize_t n = read(fd, buf + have, cap - have);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            die("server read");
        }
        have += (size_t)n;
        size_t complete = 0;
        while (have - complete >= 4) {
            size_t frame = 4 + read_be32(buf + complete);
            if (frame > server->max_frame) {
                fprintf(stderr, "frame of %zu bytes is too large\n", frame);
                exit(1);
            }
            if (have - complete < frame) break;
            complete += frame;
        }
        if (complete > 0) {
            write_all(fd, buf, complete);
            memmove(buf, buf + complete, have - complete);
            have -= complete;
        }
    }
    free(buf);
    close(fd);
    return NULL;
}

/* The client: its socket, the frame it sends, its read buffer and the send times of the frames
 * awaiting answers (a ring, oldest first). */
struct client {
    int fd;
    unsigned char *frame;
    size_t frame_len;
    unsigned char *in;
    size_t in_cap;
    size_t in_have;
    uint64_t *send_times;
    size_t ring_cap;
    size_t ring_head;
    size_t ring_count;
    size_t pending;         /* frames queued but not fully written */
    size_t partial;         /* bytes of the first pending frame already written */
};

/* Queues one frame and notes its send time. */
static void enqueue(struct client *c, uint64_t now) {
    c->send_times[(c->ring_head + c->ring_count) % c->ring_cap] = now;
    c->ring_count++;
    c->pending++;
}

/* Writes queued frames until done or the socket is full. */
static void flush_out(struct client *c) {
    while (c->pending > 0) {
        struct iovec iov[MAX_IOV];
        int count = 0;
        size_t offset = c->partial;
        for (size_t i = 0; i < c->pending && count < MAX_IOV; i++, count++) {
            iov[count].iov_base = c->frame + offset;
            iov[count].iov_len = c->frame_len - offset;
            offset = 0;
        }
        ssize_t n = writev(c->fd, iov, count);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            if (errno == EINTR) continue;
            die("client writev");
        }
        size_t written = (size_t)n;
        size_t first = c->frame_len - c->partial;
        if (written < first) {
            c->partial += written;
            continue;
        }
        written -= first;
        c->pending--;
        c->pending -= written / c->frame_len;
        c->partial = written % c->frame_len;
    }
}

/* What one run measured. */
struct outcome {
    size_t answered;
    uint64_t elapsed_ns;
};

/* Keeps in_flight frames outstanding until max_calls have been sent (when nonzero) or the
 * deadline passes (when nonzero); records round trips into latencies when given. */
static struct outcome run(struct client *c, size_t in_flight, size_t max_calls, uint64_t deadline,
                          uint64_t *latencies) {
    size_t sent = 0, answered = 0;
    uint64_t start = now_ns();
    for (size_t i = 0; i < in_flight; i++) {
        if (max_calls && sent >= max_calls) break;
        enqueue(c, start);
        sent++;
    }
    flush_out(c);
    uint64_t now = start;
    while (c->ring_count > 0) {
        struct pollfd pfd = {.fd = c->fd, .events = POLLIN | (c->pending ? POLLOUT : 0)};
        if (poll(&pfd, 1, -1) < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        if (pfd.revents & POLLOUT) flush_out(c);
        if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = read(c->fd, c->in + c->in_have, c->in_cap - c->in_have);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            die("client read");
        }
        if (n == 0) {
            fprintf(stderr, "server closed the connection\n");
            exit(1);
        }
        c->in_have += (size_t)n;
        size_t used = 0;
        now = now_ns();
        while (c->in_have - used >= 4) {
            size_t body = read_be32(c->in + used);
            if (body + 4 != c->frame_len) {
                fprintf(stderr, "echo answered %zu bytes, expected %zu\n", body, c->frame_len - 4);
                exit(1);
            }
            if (c->in_have - used < c->frame_len) break;
            used += c->frame_len;
            uint64_t sent_at = c->send_times[c->ring_head];
            c->ring_head = (c->ring_head + 1) % c->ring_cap;
            c->ring_count--;
            if (latencies) latencies[answered] = now - sent_at;
            answered++;
            int more = max_calls ? sent < max_calls : now < deadline;
            if (more) {
                enqueue(c, now);
                sent++;
            }
        }
        memmove(c->in, c->in + used, c->in_have - used);
        c->in_have -= used;
        flush_out(c);
    }
    struct outcome outcome = {answered, now - start};
    return outcome;
}

/* Orders two uint64_t for qsort. */
static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted nanoseconds, in microseconds. */
static double percentile(const uint64_t *sorted, size_t count, double p) {
    if (count == 0) return 0;
    double exact = (double)count * p;
    size_t rank = (size_t)exact;
    if ((double)rank < exact) rank++;
    if (rank > 0) rank--;
    if (rank >= count) rank = count - 1;
    return (double)sorted[rank] / 1000.0;
}

/* Parses a positive integer option value or exits. */
static size_t parse_count(const char *text) {
    char *end;
    long value = strtol(text, &end, 10);
    if (*end != '\0' || value <= 0) {
        fprintf(stderr, "%s is not a positive integer\n", text);
        exit(2);
    }
    return (size_t)value;
}

int main(int argc, char **argv) {
    size_t size = 0, warmup = 2000, sequential = 3000;
    double seconds = 2.0;
    size_t levels[MAX_LEVELS] = {1, 32, 128};
    size_t level_count = 3;
    int have_size = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *name = argv[i], *value = argv[i + 1];
        if (strcmp(name, "--size") == 0) {
            size = (size_t)strtoul(value, NULL, 10);
            have_size = 1;
        } else if (strcmp(name, "--warmup") == 0) {
            warmup = parse_count(value);
        } else if (strcmp(name, "--sequential") == 0) {
            sequential = parse_count(value);
        } else if (strcmp(name, "--seconds") == 0) {
            seconds = strtod(value, NULL);
        } else if (strcmp(name, "--concurrency") == 0) {
            char *copy = strdup(value);
            level_count = 0;
            for (char *part = strtok(copy, ","); part && level_count < MAX_LEVELS; part = strtok(NULL, ","))
                levels[level_count++] = parse_count(part);
            free(copy);
        } else {
            fprintf(stderr, "unknown option %s\n", name);
            return 2;
        }
    }
    if (!have_size || seconds <= 0) {
        fprintf(stderr, "usage: %s --size BYTES [--warmup N] [--sequential N] [--seconds S] "
                        "[--concurrency 1,32,128]\n", argv[0]);
        return 2;
    }

    int listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd < 0) die("socket");
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listen_fd, (struct sockaddr *)&address, sizeof address) < 0) die("bind");
    if (listen(listen_fd, 1) < 0) die("listen");
    socklen_t length = sizeof address;
    if (getsockname(listen_fd, (struct sockaddr *)&address, &length) < 0) die("getsockname");

    struct server server = {listen_fd, size + 4};
    pthread_t thread;
    if (pthread_create(&thread, NULL, serve, &server) != 0) die("pthread_create");

    struct client c = {0};
    c.fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c.fd < 0) die("socket");
    if (connect(c.fd, (struct sockaddr *)&address, sizeof address) < 0) die("connect");
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);

    size_t max_level = 1;
    for (size_t i = 0; i < level_count; i++)
        if (levels[i] > max_level) max_level = levels[i];
    c.frame_len = size + 4;
    c.frame = malloc(c.frame_len);
    c.in_cap = 4 * c.frame_len + 1024 * 1024;
    c.in = malloc(c.in_cap);
    c.ring_cap = max_level + 1;
    c.send_times = malloc(c.ring_cap * sizeof *c.send_times);
    uint64_t *latencies = malloc((warmup > sequential ? warmup : sequential) * sizeof *latencies);
    if (!c.frame || !c.in || !c.send_times || !latencies) die("malloc");
    c.frame[0] = (unsigned char)(size >> 24);
    c.frame[1] = (unsigned char)(size >> 16);
    c.frame[2] = (unsigned char)(size >> 8);
    c.frame[3] = (unsigned char)size;
    memset(c.frame + 4, 0xA5, size);

    run(&c, 1, warmup, 0, NULL);
    struct outcome seq = run(&c, 1, sequential, 0, latencies);
    qsort(latencies, seq.answered, sizeof *latencies, compare_u64);
    double p50 = percentile(latencies, seq.answered, 0.50);
    double p99 = percentile(latencies, seq.answered, 0.99);

    double throughput[MAX_LEVELS];
    for (size_t i = 0; i < level_count; i++) {
        uint64_t deadline = now_ns() + (uint64_t)(seconds * 1e9);
        struct outcome o = run(&c, levels[i], 0, deadline, NULL);
        throughput[i] = (double)o.answered / ((double)o.elapsed_ns / 1e9);
    }
    close(c.fd);
    pthread_join(thread, NULL);
    close(listen_fd);

    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("{\"impl\":\"c-pingpong\",\"max_rss_kib\":%ld,\"seconds_per_level\":%g,"
           "\"seq_p50_us\":%.3f,\"seq_p99_us\":%.3f,\"sequential_calls\":%zu,\"size\":%zu,"
           "\"throughput\":{",
           usage.ru_maxrss, seconds, p50, p99, sequential, size);
    for (size_t i = 0; i < level_count; i++)
        printf("%s\"%zu\":%.1f", i ? "," : "", levels[i], throughput[i]);
    printf("},\"topology\":\"one process: server thread (blocking) and client thread (poll loop)\","
           "\"warmup_calls\":%zu}\n", warmup);
    free(latencies);
    free(c.send_times);
    free(c.in);
    free(c.frame);
    return 0;
}
