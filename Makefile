# Top-level build. `make run` builds and runs the demo, `make check` runs
# every test (host, QEMU SVM machine, Bochs VMX machine). See README.md.
CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Werror -std=gnu11 -fno-omit-frame-pointer -D_GNU_SOURCE
B := build
PREFIX ?= /usr/local

# Debian packages: building and host tests / the emulated machines
DEPS_BUILD := gcc make libc6-dev linux-libc-dev libcmocka-dev libelf-dev zlib1g-dev musl-tools \
	pkg-config busybox-static
# real programs dunebox's tests run (tests/box), and gVisor and gnuplot for `make bench`
DEPS_BOX := python3 sqlite3 coreutils gzip
DEPS_BENCH := runsc gnuplot-nox sqlite3 gzip
DEPS_VM := qemu-system-x86 bochs bochsbios vgabios busybox-static isolinux \
	syslinux-common genisoimage cpio xz-utils zstd kmod
# building dune.ko against Debian's kernel headers (6.12's kbuild runs
# pahole for BTF) and checking it with DKMS
DEPS_KMOD := gcc-12 make pahole dkms

LIBDUNE_SRCS := $(wildcard libdune/*.c)
LIBDUNE_ASM := $(wildcard libdune/*.S)
LIBDUNE_OBJS := $(patsubst libdune/%.c,$(B)/libdune/%.o,$(LIBDUNE_SRCS)) \
		$(patsubst libdune/%.S,$(B)/libdune/%.o,$(LIBDUNE_ASM))

.PHONY: all run check bench fuzz install clean deps deps-vm check-kmod-unit check-dkms
all: $(B)/libdune.a tests apps

$(B)/libdune/%.o: libdune/%.c libdune/*.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# ring 0 on FPU-less hosts runs this file: integer code only
$(B)/libdune/ring0_emul.o: CFLAGS += -mgeneral-regs-only -fno-tree-loop-distribute-patterns

$(B)/libdune/%.o: libdune/%.S libdune/percpu.h
	@mkdir -p $(dir $@)
	$(CC) -c $< -o $@

$(B)/libdune.a: $(LIBDUNE_OBJS)
	rm -f $@ && ar rcs $@ $^

# Installs what is missing (as root); prints the command otherwise.
deps:
	@tools/apt-need $(DEPS_BUILD) $(DEPS_BOX)
deps-vm:
	@tools/apt-need $(DEPS_VM) $(DEPS_KMOD)

run: deps
	$(MAKE) all
	tools/run-demo $(B)

# Every test: unit and integration on this host, then both emulated
# machines; the last line sums them up.
check: deps deps-vm
	$(MAKE) all
	tools/check-all $(MAKE)

bench: deps
	@tools/apt-need $(DEPS_BENCH)
	$(MAKE) all
	$(B)/apps/bench
	$(MAKE) -C apps/boxbench bench DUNEBOX=$(abspath $(B)/dunebox)

# the ELF loader under libFuzzer for a fixed budget (not part of `check`)
FUZZ_SECONDS ?= 60
fuzz:
	@tools/apt-need clang libclang-rt-14-dev
	$(MAKE) -C runtime/loader fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

install: $(B)/libdune.a
	install -d $(DESTDIR)$(PREFIX)/include/libdune $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 libdune/dune.h $(DESTDIR)$(PREFIX)/include/dune.h
	install -m 644 libdune/dune.h $(DESTDIR)$(PREFIX)/include/libdune/dune.h
	install -m 644 $(B)/libdune.a $(DESTDIR)$(PREFIX)/lib/libdune.a
	sed 's|@PREFIX@|$(PREFIX)|' libdune/libdune.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/libdune.pc

clean:
	rm -rf $(B)/libdune $(B)/libdune.a $(B)/tests $(B)/static $(B)/unit $(B)/apps $(B)/vm

# The VMX machine runs a matrix (tests/vm/run-vmx-matrix.sh): dune.ko on
# Debian's 6.1 and 6.12 kernels (libdune's suites through /dev/dune, the
# module's own tests, dunebox's tests) and stock kvm_intel with libdune's
# kvm host side (libdune's suites, dunebox's tests). dune.ko is built there,
# once per kernel.
VM_VMX_DUNE_LISTS ?= $(VM_TESTS_LIST) kmod/tests/vm/kmod-tests.list tests/box/vm.list
VM_VMX_KVM_LISTS ?= $(VM_SELFTEST_LIST) $(VM_TESTS_LIST) tests/box/vm.list
# dunebox's tests in both machines (the monitor and tools in /extra; Python
# only in the SVM one)
VM_SVM_EXTRA_LISTS ?= tests/box/vm.list
VM_EXTRA_FILES ?= $(B)/static/dunebox $(B)/box/escape tests/box/run.sh tests/box/box-tests.list
VM_EXTRA_PROGRAMS ?= /usr/bin/sqlite3 /usr/bin/python3
VM_VMX_EXTRA_PROGRAMS ?= /usr/bin/sqlite3
VM_EXTRA_TREES ?= $(shell /usr/bin/python3 -c "import sys; print(sys.prefix + \"/lib/python%d.%d\" % sys.version_info[:2])" 2>/dev/null)

# `make kmod` builds dune.ko for the running kernel (or KDIR=...)
KDIR ?= /lib/modules/$(shell uname -r)/build
.PHONY: kmod
kmod:
	@test -d $(KDIR) || { echo "no kernel build directory $(KDIR): install linux-headers-$$(uname -r) or pass KDIR=..."; exit 1; }
	$(MAKE) -C kmod modules KDIR=$(KDIR)

kmod/tests/vm/kmod-tests.list: kmod/tests/vm/*.c kmod/tests/vm/*.h kmod/tests/vm/*.sh kmod/*.h
	$(MAKE) -C kmod/tests/vm

# dkms add/build/install with kmod/dkms.conf against Debian's 6.1 and 6.12
# headers, in private trees (build/dkms); and the refusals of other kernels
check-dkms:
	kmod/tests/dkms-check.sh

# cmocka tests of the module's userspace-buildable parts
KMOD_UNIT_BINS := kmod/tests/unit/test_check kmod/tests/unit/test_ept kmod/tests/unit/test_mmio \
	kmod/tests/unit/test_hardening
check-kmod-unit:
	$(MAKE) -C kmod/tests/unit $(notdir $(KMOD_UNIT_BINS))
	tests/run-tests.sh $(KMOD_UNIT_BINS)

include tests/tests.mk
include apps/apps.mk
include runtime/runtime.mk
include tests/box/box.mk
include tests/vm/vm.mk
