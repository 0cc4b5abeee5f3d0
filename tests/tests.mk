# tests.mk - unit tests (cmocka, no guest), integration tests (one real
# guest scenario per program), their static builds for the emulated
# machines, and the lists tools/run-tests reads (NAME PATH TIMEOUT, paths
# relative to the list: the format the machines read too).
INTEGRATION_SRCS := $(wildcard tests/integration/*.c)
INTEGRATION_NAMES := $(patsubst tests/integration/%.c,%,$(INTEGRATION_SRCS))
INTEGRATION_BINS := $(addprefix $(B)/tests/,$(INTEGRATION_NAMES))
STATIC_TEST_BINS := $(addprefix $(B)/static/tests/,$(INTEGRATION_NAMES))
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_NAMES := $(patsubst tests/unit/%.c,%,$(UNIT_SRCS))
UNIT_BINS := $(addprefix $(B)/unit/,$(UNIT_NAMES))
# TEST_CASE=PATTERN runs only the matching cases of a cmocka program
CMOCKA_FILTER := $(B)/tests/lib/cmocka_filter.o

$(CMOCKA_FILTER): tests/lib/cmocka_filter.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# libdune's own tests may look inside (LIBDUNE_INTERNAL_CFLAGS); programs
# using libdune get LIBDUNE_CFLAGS, the public header only
$(B)/tests/%: tests/integration/%.c tests/integration/testlib.h $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LIBDUNE_INTERNAL_CFLAGS) -MMD -MP $< $(EXTRA_SRCS) $(B)/libdune.a -o $@ $(LIBDUNE_LIBS)

$(B)/static/tests/%: tests/integration/%.c tests/integration/testlib.h $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static $(LIBDUNE_INTERNAL_CFLAGS) -MMD -MP $< $(EXTRA_SRCS) $(B)/libdune.a -o $@ $(LIBDUNE_LIBS)

$(B)/unit/%: tests/unit/%.c $(B)/libdune.a $(CMOCKA_FILTER)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LIBDUNE_INTERNAL_CFLAGS) -MMD -MP $< $(CMOCKA_FILTER) $(B)/libdune.a \
		-o $@ -lcmocka -lpthread

# conform_libdune runs tests/conformance/loops.c natively and in dune mode
$(B)/tests/conform_libdune $(B)/static/tests/conform_libdune: EXTRA_SRCS := tests/conformance/loops.c

-include $(INTEGRATION_BINS:=.d) $(STATIC_TEST_BINS:=.d) $(UNIT_BINS:=.d)

# NAME PATH TIMEOUT, for tests/vm (paths relative to the list file)
$(B)/static/tests.list: $(STATIC_TEST_BINS)
	@for n in $(INTEGRATION_NAMES); do echo "$$n tests/$$n 120"; done > $@

# the host's lists, one per part of make check
$(B)/lists/libdune.list: $(UNIT_BINS) $(INTEGRATION_BINS)
	@mkdir -p $(dir $@)
	@{ for n in $(UNIT_NAMES); do echo "$$n ../unit/$$n 180"; done; \
	   for n in $(INTEGRATION_NAMES); do echo "$$n ../tests/$$n 180"; done; } > $@

.PHONY: tests check-host test
tests: $(INTEGRATION_BINS) $(UNIT_BINS) $(B)/static/tests.list

check-host: tests $(B)/lists/libdune.list
	tools/run-tests $(B)/lists/libdune.list
