# tests/box: dunebox's own tests (run.sh, box-tests.list), on this host and
# in the emulated SVM machine. escape is built with musl, statically.
MUSL_CC ?= musl-gcc

$(B)/box/escape: tests/box/escape.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O1 -Wall -Werror $< -o $@

# the same monitor, self-contained, for the machines (no libc in there)
$(B)/static/dunebox: $(RT_OBJS) $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) -static-pie $(RT_OBJS) $(B)/libdune.a -o $@ -lelf -lz -lpthread

$(B)/box/untrusted: apps/untrusted/untrusted.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O1 -Wall -Werror $< -o $@

# for tools/run-tests: run.sh with this build's monitor, one result per test
$(B)/box/run-here: tests/box/box.mk
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\nexec %s %s %s %s\n' $(abspath tests/box/run.sh) $(abspath $(B)/dunebox) \
		$(abspath $(B)/box/escape) $(abspath tests/box/box-tests.list) > $@
	@chmod +x $@
$(B)/lists/box.list: $(B)/dunebox $(B)/box/escape $(B)/box/run-here
	@mkdir -p $(dir $@)
	@echo "box ../box/run-here 3600" > $@

check-box: $(B)/lists/box.list
	tools/run-tests $<


all: $(B)/box/escape $(B)/box/untrusted $(B)/static/dunebox
.PHONY: check-box
