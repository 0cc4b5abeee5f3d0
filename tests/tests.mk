# tests.mk - unit tests (cmocka) and integration tests (real guests).
INTEGRATION_SRCS := $(wildcard tests/integration/*.c)
INTEGRATION_BINS := $(patsubst tests/integration/%.c,$(B)/tests/%,$(INTEGRATION_SRCS))

$(B)/tests/%: tests/integration/%.c tests/integration/testlib.h $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ilibdune $< $(B)/libdune.a -o $@ -lpthread

.PHONY: tests
tests: $(INTEGRATION_BINS)
