# tests/vm/vm.mk: emulated-machine test targets; `include` it from the
# top-level Makefile (paths are relative to the directory make runs in, which
# must be the repository root).
#
#   make check-svm    QEMU TCG, -cpu EPYC,+svm,+npt, kvm-amd inside
#   make check-vmx    Bochs, Haswell with VMX/EPT/VPID, three machines of
#                     run-vmx-matrix.sh's matrix: dune.ko on 6.12 (all its
#                     tests) and on 6.1 (the core ones), kvm-intel on 6.12
#   make check-vmx-matrix  the whole matrix (adds the jail's tests and the
#                     floors on 6.1, and the 2-CPU machine); VM_VMX_MATRIX
#                     picks configurations
#   make vm-kernel    fetch/extract the Debian kernel + headers only; the
#                     printed VM_KDIR is for kbuild
#   make check-vm-harness  proves the harness catches failures (svm, ~15 s)
#
# Machines with KVM run the harness self-test (selftest/kvm_smoke: /dev/kvm,
# a real-mode guest doing out/in/hlt) first, then every test in their lists.

VM_SRC_DIR      := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
VM_BUILD_DIR    ?= build
VM_OUT_DIR      := $(VM_BUILD_DIR)/vm

# List file(s) of the project's static test binaries (`NAME PATH [TIMEOUT]`
# per line; relative PATHs are relative to the list file).  Produced by the
# top-level build; set it empty to run only the self-test.
VM_TESTS_LIST   ?= build/static/tests.list
# Extra kernel modules (.ko paths) to insmod at boot, in order.
VM_MODULES      ?=
# Modules copied into /modules/ inside the machine but not loaded.
VM_MODULE_FILES ?=
# KVM modules loaded at boot (default per machine: kvm-amd / kvm-intel;
# "none" for none, e.g. when dune.ko takes VMX).
VM_KVM_MODULES  ?=
# Hard wall-clock limits per machine (seconds) and default per-test limit
# (seconds of guest time).
# (a Bochs machine with every list took 957 s with 6 loads on 2 CPUs,
# 2026-12-03; 241-355 s on a clean clone the same evening)
VM_SVM_TIMEOUT  ?= 300
VM_VMX_TIMEOUT  ?= 1200
VM_TEST_TIMEOUT ?= 60
# Iteration scale exported to tests as DUNE_ITERS_SCALE.
VM_ITERS_SCALE  ?= 0.01
# Extra KEY=VALUE words exported to the tests.
VM_ENV          ?=
# SVM machine overrides (the VMX machines' modules come from their matrix
# configuration).
VM_SVM_MODULES     ?= $(VM_MODULES)
VM_SVM_KVM_MODULES ?= $(VM_KVM_MODULES)
# A directory of lock files (e.g. /work/locks): each machine kind then runs
# under flock DIR/svm.lock or DIR/vmx.lock, one at a time on a shared host.
VM_LOCK_DIR     ?=
VM_LOCK = $(if $(VM_LOCK_DIR),flock $(VM_LOCK_DIR)/$(1).lock)

# Set to 0 to skip the self-test (it needs /dev/kvm, so it is skipped on a
# machine whose KVM modules are "none").
VM_SELFTEST     ?= 1

VM_SELFTEST_DIR := $(VM_OUT_DIR)/selftest
VM_SELFTEST_BIN := $(VM_SELFTEST_DIR)/kvm_smoke
VM_SELFTEST_LIST := $(if $(filter 1,$(VM_SELFTEST)),$(VM_SELFTEST_DIR)/selftest.list)
VM_SVM_SELFTEST := $(if $(filter none,$(VM_SVM_KVM_MODULES)),,$(VM_SELFTEST_LIST))

# Static build of the self-test: musl-gcc if present (kernel UAPI headers made
# visible through a directory holding only linux/, asm/, asm-generic/), else
# the system compiler with -static.
VM_MUSL_GCC     := $(shell command -v musl-gcc 2>/dev/null)
VM_SELFTEST_CC  ?= $(if $(VM_MUSL_GCC),musl-gcc,$(CC))
VM_SELFTEST_CFLAGS ?= -static -O2 -Wall -Wextra $(if $(VM_MUSL_GCC),-isystem $(VM_SELFTEST_DIR)/include)

$(VM_SELFTEST_DIR)/include/.stamp:
	@mkdir -p $(@D)
	@for d in /usr/include/linux /usr/include/asm-generic; do \
	  [ -d $$d ] || { echo "[vm] ERROR: $$d missing; Fix: apt-get install -y linux-libc-dev"; exit 3; }; \
	  ln -sfn $$d $(@D)/; done
	@asm=$$(ls -d /usr/include/x86_64-linux-gnu/asm /usr/include/asm 2>/dev/null | head -n1); \
	  [ -n "$$asm" ] || { echo "[vm] ERROR: asm/ headers missing; Fix: apt-get install -y linux-libc-dev"; exit 3; }; \
	  ln -sfn $$asm $(@D)/asm
	@touch $@

$(VM_SELFTEST_BIN): $(VM_SRC_DIR)/selftest/kvm_smoke.c $(VM_SELFTEST_DIR)/include/.stamp
	@command -v $(firstword $(VM_SELFTEST_CC)) >/dev/null || { \
	  echo "[vm] ERROR: $(VM_SELFTEST_CC) not found; Fix: apt-get install -y musl-tools"; exit 3; }
	$(VM_SELFTEST_CC) $(VM_SELFTEST_CFLAGS) -o $@ $<

# selftest.list: must pass.  selftest-broken.list: one pass, one deliberately
# broken guest (FAIL), one guest that spins forever (TIMEOUT).
$(VM_SELFTEST_DIR)/selftest.list: $(VM_SELFTEST_BIN)
	@printf 'kvm_smoke kvm_smoke 60\n' >$@
$(VM_SELFTEST_DIR)/selftest-broken.list: $(VM_SELFTEST_BIN)
	@printf 'kvm_smoke kvm_smoke 60\nkvm_smoke_broken kvm_smoke 60\nkvm_smoke_hang kvm_smoke 5\n' >$@

vm-selftest: $(VM_SELFTEST_DIR)/selftest.list $(VM_SELFTEST_DIR)/selftest-broken.list

vm-kernel:
	@VM_BUILD_DIR=$(abspath $(VM_BUILD_DIR)) $(VM_SRC_DIR)/fetch-kernel.sh
	@VM_BUILD_DIR=$(abspath $(VM_BUILD_DIR)) VM_KERNEL_META=linux-image-6.12-amd64 \
	  $(VM_SRC_DIR)/fetch-kernel.sh

VM_RUN_ENV = VM_BUILD_DIR=$(abspath $(VM_BUILD_DIR)) VM_MODULE_FILES='$(VM_MODULE_FILES)' \
	VM_SVM_TIMEOUT=$(VM_SVM_TIMEOUT) VM_VMX_TIMEOUT=$(VM_VMX_TIMEOUT) \
	VM_TEST_TIMEOUT=$(VM_TEST_TIMEOUT) VM_ITERS_SCALE=$(VM_ITERS_SCALE) VM_ENV='$(VM_ENV)'

# Extra list files for the SVM machine only, and what its tests use: files
# (copied to /extra/), dynamic programs and directories (same paths).
VM_SVM_EXTRA_LISTS ?=
VM_EXTRA_FILES ?=
VM_EXTRA_PROGRAMS ?=
VM_EXTRA_TREES ?=
VM_VMX_EXTRA_PROGRAMS ?= # Bochs is slow: fewer and smaller ones

check-svm: $(VM_SVM_SELFTEST) $(VM_TESTS_LIST) $(VM_SVM_EXTRA_LISTS) $(VM_SVM_MODULES) $(VM_MODULE_FILES) $(VM_EXTRA_FILES)
	$(VM_RUN_ENV) VM_MODULES='$(VM_SVM_MODULES)' \
	  VM_EXTRA_FILES='$(abspath $(VM_EXTRA_FILES))' VM_EXTRA_PROGRAMS='$(VM_EXTRA_PROGRAMS)' \
	  VM_EXTRA_TREES='$(VM_EXTRA_TREES)' \
	  VM_KVM_MODULES='$(or $(VM_SVM_KVM_MODULES),kvm-amd)' \
	  $(call VM_LOCK,svm) $(VM_SRC_DIR)/run-svm.sh $(VM_SVM_SELFTEST) $(VM_TESTS_LIST) $(VM_SVM_EXTRA_LISTS)

# The VMX matrix: configurations NAME:METAPACKAGE:dune|kvm:CPUS[:TESTS]
# (run-vmx-matrix.sh), the lists for dune.ko machines (all, core) and for
# kvm-intel ones. `make check` runs check-vmx, the configurations that
# matter most: dune.ko on both kernels, everything on one, and stock
# kvm-intel; check-vmx-matrix runs them all (the script's default).
VM_VMX_CHECK_MATRIX ?= 6.12-dune:linux-image-6.12-amd64:dune:1 \
	6.1-core:linux-image-amd64:dune:1:core 6.12-kvm:linux-image-6.12-amd64:kvm:1
VM_VMX_MATRIX ?=
VM_VMX_DUNE_LISTS ?= $(VM_TESTS_LIST)
VM_VMX_CORE_LISTS ?= $(VM_VMX_DUNE_LISTS)
VM_VMX_KVM_LISTS ?= $(VM_SELFTEST_LIST) $(VM_TESTS_LIST)

VM_VMX_RUN = $(VM_RUN_ENV) VM_EXTRA_FILES='$(abspath $(VM_EXTRA_FILES))' \
	  VM_EXTRA_PROGRAMS='$(VM_VMX_EXTRA_PROGRAMS)' \
	  VM_VMX_DUNE_LISTS='$(VM_VMX_DUNE_LISTS)' VM_VMX_CORE_LISTS='$(VM_VMX_CORE_LISTS)' \
	  VM_VMX_KVM_LISTS='$(VM_VMX_KVM_LISTS)' \
	  VM_VMX_MATRIX='$(1)' $(call VM_LOCK,vmx) $(VM_SRC_DIR)/run-vmx-matrix.sh
VM_VMX_NEEDS = $(sort $(VM_VMX_DUNE_LISTS) $(VM_VMX_CORE_LISTS) $(VM_VMX_KVM_LISTS)) \
	$(VM_MODULE_FILES) $(VM_EXTRA_FILES)

check-vmx: $(VM_VMX_NEEDS)
	$(call VM_VMX_RUN,$(or $(VM_VMX_MATRIX),$(VM_VMX_CHECK_MATRIX)))
check-vmx-matrix: $(VM_VMX_NEEDS)
	$(call VM_VMX_RUN,$(VM_VMX_MATRIX))

# The harness must report the broken self-tests as failures: this target
# succeeds only if run-svm.sh fails with exactly `1 passed, 2 failed`.
check-vm-harness: $(VM_SELFTEST_DIR)/selftest-broken.list
	@out=$$($(VM_RUN_ENV) VM_MODULES= VM_KVM_MODULES=kvm-amd $(VM_SRC_DIR)/run-svm.sh $<; echo "rc=$$?"); \
	  printf '%s\n' "$$out"; \
	  if printf '%s\n' "$$out" | grep -qx '1 passed, 2 failed' && printf '%s\n' "$$out" | grep -qx 'rc=1'; then \
	    echo "[vm] harness OK: the broken and the hanging test were caught"; \
	  else echo "[vm] harness BROKEN: expected '1 passed, 2 failed' and rc=1"; exit 1; fi

.PHONY: check-svm check-vmx check-vmx-matrix check-vm-harness vm-selftest vm-kernel
