# One image with every Tillit executable: the four services, the staff CLI `tillit` (health
# checks, `tillit certs init`) and, once it exists, the integration runner `tillit-integration`.
# Used by docker-compose.yml; see docs/compose.md.
#
#   docker build -t tillit:dev .
#   docker build --build-arg SWIFT_VERSION=6.3.1 -t tillit:dev .

# The toolchain the code is built and tested with (Swift 6.3.1); an official Debian 12 image.
ARG SWIFT_VERSION=6.3

# ---------------------------------------------------------------------------------------------
FROM swift:${SWIFT_VERSION}-bookworm AS build

# libsqlite3-dev (GRDB), libprotobuf-c-dev and libssl-dev (the C client's targets), pkg-config
# (the systemLibrary target finds libprotobuf-c through it).
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends \
        libsqlite3-dev libprotobuf-c-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Dependencies first, so a change to the sources does not fetch them again. Package.resolved is
# not committed; the pattern copies it when the build context has one.
COPY Package.swift Package.resolve[d] ./
RUN swift package resolve

COPY . .

# The products to build; a name Package.swift does not declare (yet, as a product or an
# executable target) is skipped with a note, so the image builds before tillit-integration
# exists. The Swift runtime (Foundation included) is linked statically, so the run stage needs
# only the C libraries.
ARG PRODUCTS="tillit-identity tillit-booking tillit-notes tillit-supervision tillit tillit-integration"
RUN set -eu; \
    mkdir -p /staging; \
    for product in $PRODUCTS; do \
        if ! grep -q "name: \"$product\"" Package.swift; then \
            echo "note: Package.swift does not declare $product; skipped"; \
            continue; \
        fi; \
        swift build -c release --static-swift-stdlib --product "$product"; \
        cp "$(swift build -c release --show-bin-path)/$product" /staging/; \
    done; \
    ls -l /staging

# ---------------------------------------------------------------------------------------------
FROM debian:bookworm-slim AS run

# libsqlite3-0 (GRDB), libprotobuf-c1 and libssl3 (the C client, for tools that link it),
# ca-certificates, tzdata (Booking's and Supervision's IANA zones, read from /usr/share/zoneinfo).
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends \
        libsqlite3-0 libprotobuf-c1 libssl3 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/*

# A fixed non-root user. The volume mount points exist in the image owned by it (0700), so a new
# named volume starts out owned by it too: a service keeps its data folder owner-only (chmod
# 0700 at start) and refuses key files that others can read.
RUN groupadd --system --gid 10001 tillit \
    && useradd --system --uid 10001 --gid tillit --home-dir /home/tillit --create-home \
        --shell /usr/sbin/nologin tillit \
    && install -d -m 0755 -o root -g root /var/lib/tillit \
    && install -d -m 0700 -o tillit -g tillit /var/lib/tillit/data /var/lib/tillit/pki

COPY --from=build /staging/ /usr/local/bin/

USER tillit:tillit
WORKDIR /home/tillit
ENV TILLIT_DATA_DIR=/var/lib/tillit/data

EXPOSE 7101 7102 7103 7104

# No entrypoint: docker-compose.yml names the executable of each service.
CMD ["tillit", "--help"]
