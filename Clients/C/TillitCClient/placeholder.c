#include "tillit_client.h"
