# SPDX-License-Identifier: GPL-2.0
# The kernels dune.ko is built and tested against (kmod/README.md,
# "Supported kernels"). Kbuild includes this; VERSION, PATCHLEVEL and
# SUBLEVEL come from the kernel's Makefile.
DUNE_SUPPORTED := 6.1 (6.1.78 or later) and 6.12
dune_series := $(VERSION).$(PATCHLEVEL)
ifeq ($(filter 6.1 6.12,$(dune_series)),)
$(error dune.ko supports Linux $(DUNE_SUPPORTED); these headers are $(or $(KERNELRELEASE),$(dune_series)). Build against a supported kernel's headers (KDIR=...), see kmod/README.md)
endif
ifeq ($(dune_series),6.1)
ifneq ($(shell test "$(SUBLEVEL)" -ge 78 2>/dev/null && echo ok),ok)
$(error dune.ko supports Linux $(DUNE_SUPPORTED); 6.1.$(SUBLEVEL) lacks the FPU helpers it needs. Update the kernel headers)
endif
endif
