#ifndef TILLIT_CPROTOBUFC_SHIM_H
#define TILLIT_CPROTOBUFC_SHIM_H
#include <protobuf-c/protobuf-c.h>
#endif
