/* host half - the kvm host side: /dev/kvm driven from userspace. */
#ifndef LIBDUNE_KVM_H
#define LIBDUNE_KVM_H

#include "host/hostside.h"

extern const struct hostside_ops hostside_kvm;

#endif
