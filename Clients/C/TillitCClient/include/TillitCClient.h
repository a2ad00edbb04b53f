/*
 * TillitCClient.h — umbrella header of the Tillit C client: the hand-written client API
 * (tillit_client.h) and the protoc-c messages of every proto under proto/ (the .pb-c.h files
 * under tillit/).
 *
 * C peers may include this one header, or only the headers they need. When a proto file is
 * added, add its generated header here too (clang warns about headers missing from an umbrella
 * header when Swift imports the module).
 */
#ifndef TILLIT_C_CLIENT_UMBRELLA_H
#define TILLIT_C_CLIENT_UMBRELLA_H

#include "tillit/booking/v1/booking.pb-c.h"
#include "tillit/common/v1/common.pb-c.h"
#include "tillit/health/v1/health.pb-c.h"
#include "tillit/identity/v1/identity.pb-c.h"
#include "tillit/notes/v1/notes.pb-c.h"
#include "tillit/rpc/v1/frame.pb-c.h"
#include "tillit/supervision/v1/supervision.pb-c.h"
#include "tillit/testing/v1/echo.pb-c.h"
#include "tillit_client.h"

#endif /* TILLIT_C_CLIENT_UMBRELLA_H */
