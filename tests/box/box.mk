# tests/box: dunebox's own tests (run.sh, box-tests.list), on this host and
# in the emulated SVM machine. escape is built with musl, statically.
MUSL_CC ?= musl-gcc

$(B)/box/escape: tests/box/escape.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O1 -Wall -Werror $< -o $@

# the same monitor, self-contained, for the machines (no libc in there)
$(B)/static/dunebox: $(RT_OBJS) $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) -static-pie $(RT_OBJS) $(B)/libdune.a -o $@ -lelf -lz -lpthread $(RT_LIBS)

$(B)/box/untrusted: apps/untrusted/untrusted.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O1 -Wall -Werror $< -o $@

check-box: $(B)/dunebox $(B)/box/escape
	tests/box/run.sh $(B)/dunebox $(B)/box/escape tests/box/box-tests.list

# the library tests of runtime/ (cmocka), each in its own directory
check-runtime-unit:
	tools/check-runtime-unit $(MAKE)

all: $(B)/box/escape $(B)/box/untrusted $(B)/static/dunebox
.PHONY: check-box check-runtime-unit
