/* host half - the kmod host side: /dev/dune (kmod/dune.ko). */
#ifndef LIBDUNE_KMOD_H
#define LIBDUNE_KMOD_H

#include "host/hostside.h"

extern const struct hostside_ops hostside_kmod;
int hostside_kmod_available(void); /* /dev/dune is there and opens */

#endif
