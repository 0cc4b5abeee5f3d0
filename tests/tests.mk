# tests.mk - unit tests (cmocka, no guest), integration tests (one real
# guest scenario per program) and their static builds for the emulators.
INTEGRATION_SRCS := $(wildcard tests/integration/*.c)
INTEGRATION_NAMES := $(patsubst tests/integration/%.c,%,$(INTEGRATION_SRCS))
INTEGRATION_BINS := $(addprefix $(B)/tests/,$(INTEGRATION_NAMES))
STATIC_TEST_BINS := $(addprefix $(B)/static/tests/,$(INTEGRATION_NAMES))
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNIT_SRCS))

# libdune's own tests may look inside (LIBDUNE_INTERNAL_CFLAGS); programs
# using libdune get LIBDUNE_CFLAGS, the public header only
$(B)/tests/%: tests/integration/%.c tests/integration/testlib.h $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LIBDUNE_INTERNAL_CFLAGS) $< $(B)/libdune.a -o $@ -lpthread

$(B)/static/tests/%: tests/integration/%.c tests/integration/testlib.h $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static $(LIBDUNE_INTERNAL_CFLAGS) $< $(B)/libdune.a -o $@ -lpthread

# unit tests see libdune's internals
$(B)/unit/%: tests/unit/%.c $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LIBDUNE_INTERNAL_CFLAGS) $< $(B)/libdune.a -o $@ -lcmocka -lpthread

# NAME PATH TIMEOUT, for tests/vm (paths relative to the list file)
$(B)/static/tests.list: $(STATIC_TEST_BINS)
	@for n in $(INTEGRATION_NAMES); do echo "$$n tests/$$n 120"; done > $@

.PHONY: tests check-host
tests: $(INTEGRATION_BINS) $(UNIT_BINS) $(B)/static/tests.list

check-host: tests
	tests/run-tests.sh $(UNIT_BINS) $(INTEGRATION_BINS)
