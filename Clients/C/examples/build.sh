#!/usr/bin/env bash
# Compiles the example C peer Clients/C/examples/book_first_slot.c with the C client library
# (Clients/C/TillitCClient) into the given file. Works from any directory; needs cc,
# libprotobuf-c-dev and libssl-dev (Debian bookworm: apt-get install libprotobuf-c-dev libssl-dev).
#
# Usage: Clients/C/examples/build.sh <output path>
#
# The compiler's diagnostics go to standard error; the exit status is the compiler's (2 for a
# usage error). CC overrides the compiler (default cc).
set -euo pipefail

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 <output path>" >&2
    exit 2
fi
out="$1"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib="$(cd "$here/../TillitCClient" && pwd)"
gen="$lib/src/generated/tillit"

# The library, and the generated messages the example and the library use (booking.proto
# imports identity.proto and common.proto; the library needs rpc/v1/frame.proto).
set -x
"${CC:-cc}" -std=c11 -Wall -Wextra -Werror \
    -I"$lib/include" \
    "$here/book_first_slot.c" \
    "$lib/src/tillit_client.c" \
    "$gen/rpc/v1/frame.pb-c.c" \
    "$gen/common/v1/common.pb-c.c" \
    "$gen/identity/v1/identity.pb-c.c" \
    "$gen/booking/v1/booking.pb-c.c" \
    -lprotobuf-c -lssl -lcrypto \
    -o "$out"
