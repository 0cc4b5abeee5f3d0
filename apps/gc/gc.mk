# apps/gc: the collector (lib/), its tests (tests/: `make check-gc` here, and
# the same static binaries in both emulated machines through gc.list) and
# its benchmarks (bench/: `make bench-gc`, Boehm GC from libgc-dev beside it).
GC_LIB_SRCS := $(wildcard apps/gc/lib/*.c)
GC_LIB_OBJS := $(patsubst apps/gc/lib/%.c,$(B)/gc/lib/%.o,$(GC_LIB_SRCS))
GC_HDRS := apps/gc/gc.h apps/gc/lib/internal.h apps/gc/lib/debug.h
GC_LIB := $(B)/gc/libdunegc.a
GC_CFLAGS := $(LIBDUNE_CFLAGS) -Iapps/gc

$(B)/gc/lib/%.o: apps/gc/lib/%.c $(GC_HDRS) libdune/include/dune.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(GC_CFLAGS) -c $< -o $@

$(GC_LIB): $(GC_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

GC_TEST_NAMES := $(patsubst apps/gc/tests/%.c,%,$(wildcard apps/gc/tests/gc_*.c))
GC_TEST_BINS := $(addprefix $(B)/gc/tests/,$(GC_TEST_NAMES))
GC_STATIC_TEST_BINS := $(addprefix $(B)/static/gc/,$(GC_TEST_NAMES))

GC_TEST_CFLAGS := $(GC_CFLAGS) -Itests/integration

$(B)/gc/tests/%: apps/gc/tests/%.c apps/gc/tests/gctest.h apps/gc/lib/debug.h $(GC_LIB) $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(GC_TEST_CFLAGS) $< $(GC_LIB) $(B)/libdune.a -o $@ -lpthread

$(B)/static/gc/%: apps/gc/tests/%.c apps/gc/tests/gctest.h apps/gc/lib/debug.h $(GC_LIB) $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static $(GC_TEST_CFLAGS) $< $(GC_LIB) $(B)/libdune.a -o $@ -lpthread

# NAME PATH TIMEOUT for tests/vm; the machines scale iterations down
$(B)/static/gc.list: $(GC_STATIC_TEST_BINS)
	@for n in $(GC_TEST_NAMES); do echo "$$n gc/$$n 300"; done > $@

# the host's list (tools/run-tests): one result per tracker
$(B)/lists/gc.list: $(GC_TEST_BINS)
	@mkdir -p $(dir $@)
	@for n in $(GC_TEST_NAMES); do echo "$$n ../gc/tests/$$n 600"; done > $@

.PHONY: check-gc
check-gc: $(B)/lists/gc.list
	tools/run-tests $<

all: $(GC_TEST_BINS) $(B)/static/gc.list

# ---- benchmarks (make bench-gc; part of make bench) ----
GC_BENCH_DIR := $(B)/gc/bench
GC_BENCH_GC := gcbench binarytrees hashmap lisp
GC_BENCH_MALLOC := gcbench binarytrees hashmap
GC_BENCH_BINS := $(foreach p,$(GC_BENCH_GC),$(GC_BENCH_DIR)/$(p)-ours $(GC_BENCH_DIR)/$(p)-boehm) \
	$(foreach p,$(GC_BENCH_MALLOC),$(GC_BENCH_DIR)/$(p)-malloc) $(GC_BENCH_DIR)/scaling

$(GC_BENCH_DIR)/%-ours: apps/gc/bench/%.c apps/gc/bench/bm.h $(GC_LIB) $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DBM_OURS $(GC_CFLAGS) $< $(GC_LIB) $(B)/libdune.a -o $@ -lpthread

$(GC_BENCH_DIR)/%-boehm: apps/gc/bench/%.c apps/gc/bench/bm.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DBM_BOEHM $< -o $@ $$(pkg-config --libs bdw-gc)

$(GC_BENCH_DIR)/%-malloc: apps/gc/bench/%.c apps/gc/bench/bm.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DBM_MALLOC $< -o $@

$(GC_BENCH_DIR)/scaling: apps/gc/bench/scaling.c $(GC_HDRS) $(GC_LIB) $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(GC_CFLAGS) $< $(GC_LIB) $(B)/libdune.a -o $@ -lpthread

.PHONY: bench-gc
bench-gc: $(GC_BENCH_BINS)
	apps/gc/bench/run.sh $(GC_BENCH_DIR) docs

# The trackers' counts in the SVM machine, where nested paging lets the CPU
# set the dirty bits (no host fault per first write): make bench-gc-svm.
# Emulated times mean nothing there; the counts are the point.
$(B)/static/gc/scaling: apps/gc/bench/scaling.c $(GC_HDRS) $(GC_LIB) $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static $(GC_CFLAGS) $< $(GC_LIB) $(B)/libdune.a -o $@ -lpthread

.PHONY: bench-gc-svm
bench-gc-svm: $(B)/static/gc/scaling
	VM_BUILD_DIR=$(abspath $(B)/gc) VM_EXTRA_FILES=$(abspath $(B)/static/gc/scaling) \
	  VM_KVM_MODULES=kvm-amd VM_SVM_TIMEOUT=900 tests/vm/run-svm.sh apps/gc/bench/vm-counts.list
	@grep -a '^scale' $(B)/gc/vm/svm/console.log | tee $(B)/gc/vm-counts.tsv
