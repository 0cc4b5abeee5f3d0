# apps/privsep: libsthread (lib/), its unprotected twin (plain/), the demo
# server (httpd/), tests and the bench. Included by apps/apps.mk.
PS := apps/privsep
PS_B := $(B)/privsep
PS_CFLAGS := $(LIBDUNE_CFLAGS) -I$(PS)/include -Iruntime
# runtime/'s system call names and argument-memory table (built for dunebox)
PS_RT_OBJS := $(B)/runtime/policy/syscall_table.o \
	$(patsubst runtime/%.c,$(B)/runtime/%.o,$(wildcard runtime/sysargs/*.c))
PS_LIB_SRCS := $(wildcard $(PS)/lib/*.c)
PS_LIB_OBJS := $(patsubst $(PS)/lib/%.c,$(PS_B)/lib/%.o,$(PS_LIB_SRCS)) $(PS_B)/lib/user.o
PS_HDRS := $(wildcard $(PS)/include/*.h $(PS)/lib/*.h)
# what a program using libsthread links (sodium: the demo's signatures)
PS_LIBS := $(LIBDUNE_LIBS)
PS_SODIUM := -lsodium

$(PS_B)/lib/%.o: $(PS)/lib/%.c $(PS_HDRS) libdune/include/dune.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIE $(PS_CFLAGS) -c $< -o $@

$(PS_B)/lib/user.o: $(PS)/lib/user.S
	@mkdir -p $(dir $@)
	$(CC) -fPIE -c $< -o $@

$(B)/libsthread.a: $(PS_LIB_OBJS) $(PS_RT_OBJS)
	rm -f $@ && ar rcs $@ $^

# the demo server: with libsthread, and the same code on the plain twin
PS_HTTPD_SRCS := $(wildcard $(PS)/httpd/*.c)
PS_HTTPD_DEPS := $(PS_HTTPD_SRCS) $(PS)/httpd/httpd.h $(PS)/include/sthread.h
PS_PLAIN_SRCS := $(PS)/plain/sthread_plain.c $(PS)/lib/blocks.c
PS_PLAIN_CFLAGS := -DHTTPD_PLAIN -I$(PS)/include -I$(PS)/plain

$(B)/apps/httpd: $(PS_HTTPD_DEPS) $(B)/libsthread.a $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PS_CFLAGS) $(PS_HTTPD_SRCS) $(B)/libsthread.a $(B)/libdune.a -o $@ \
		$(PS_LIBS) $(PS_SODIUM)

$(B)/apps/httpd-plain: $(PS_HTTPD_DEPS) $(PS_PLAIN_SRCS) $(PS)/plain/*.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PS_PLAIN_CFLAGS) $(PS_HTTPD_SRCS) $(PS_PLAIN_SRCS) -o $@ -lpthread \
		$(PS_SODIUM)

$(B)/static/privsep/httpd: $(PS_HTTPD_DEPS) $(B)/libsthread.a $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static $(PS_CFLAGS) $(PS_HTTPD_SRCS) $(B)/libsthread.a $(B)/libdune.a \
		-o $@ $(PS_LIBS) $(PS_SODIUM)

$(B)/static/privsep/httpd-plain: $(PS_HTTPD_DEPS) $(PS_PLAIN_SRCS) $(PS)/plain/*.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static $(PS_PLAIN_CFLAGS) $(PS_HTTPD_SRCS) $(PS_PLAIN_SRCS) -o $@ \
		-lpthread $(PS_SODIUM)

# tests: one program per scenario, here and (static) in both machines
PS_TEST_NAMES := $(patsubst $(PS)/tests/%.c,%,$(wildcard $(PS)/tests/st_*.c))
PS_TESTS := $(addprefix $(PS_B)/tests/,$(PS_TEST_NAMES))
PS_VM_TEST_NAMES := $(PS_TEST_NAMES)
PS_STATIC_TESTS := $(addprefix $(B)/static/privsep/,$(PS_VM_TEST_NAMES))

$(PS_B)/tests/%: $(PS)/tests/%.c $(PS)/tests/*.h $(B)/libsthread.a $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PS_CFLAGS) $< $(B)/libsthread.a $(B)/libdune.a -o $@ $(PS_LIBS)

$(B)/static/privsep/%: $(PS)/tests/%.c $(PS)/tests/*.h $(B)/libsthread.a $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static $(PS_CFLAGS) $< $(B)/libsthread.a $(B)/libdune.a -o $@ $(PS_LIBS)

# the server from outside: a client (and attacker) of httpd and httpd-plain
$(PS_B)/tests/httpd_test: $(PS)/tests/httpd_test.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< -o $@ $(PS_SODIUM)

$(B)/static/privsep/httpd_test: $(PS)/tests/httpd_test.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static $< -o $@ $(PS_SODIUM)

$(B)/lists/privsep.list: $(PS_TESTS) $(PS_B)/tests/httpd_test $(B)/apps/httpd $(B)/apps/httpd-plain
	@mkdir -p $(dir $@)
	@{ for n in $(PS_TEST_NAMES); do echo "$$n ../privsep/tests/$$n 300"; done; \
	   echo "httpd_test ../privsep/tests/httpd_test 600"; } > $@

# in the machines: the tests, and the server's test through a script that
# finds the binaries in /extra (VM_EXTRA_FILES)
$(B)/static/privsep/privsep.list: $(PS_STATIC_TESTS) $(PS)/tests/vm-httpd.sh
	@cp $(PS)/tests/vm-httpd.sh $(B)/static/privsep/
	@{ for n in $(PS_VM_TEST_NAMES); do echo "$$n $$n 300"; done; \
	   echo "httpd_test vm-httpd.sh 900"; } > $@
PS_VM_FILES := $(B)/static/privsep/httpd $(B)/static/privsep/httpd-plain \
	$(B)/static/privsep/httpd_test

PS_HTTPD_BINS := $(B)/apps/httpd $(B)/apps/httpd-plain $(PS_VM_FILES) $(PS_B)/tests/httpd_test

.PHONY: privsep check-privsep
privsep: $(B)/libsthread.a $(PS_TESTS) $(PS_STATIC_TESTS) $(B)/static/privsep/privsep.list \
	$(PS_HTTPD_BINS)
check-privsep: privsep $(B)/lists/privsep.list
	tools/run-tests $(B)/lists/privsep.list

# the bench: sthreads and gates beside threads, fork and pipes (st_bench),
# and the servers under wrk, the floors before and after (bench/run.sh)
$(B)/apps/st_bench: $(PS)/bench/st_bench.c $(PS)/include/sthread.h apps/common/bench_clock.h \
		$(B)/libsthread.a $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PS_CFLAGS) -Iapps/common $< $(B)/libsthread.a $(B)/libdune.a -o $@ $(PS_LIBS)

.PHONY: bench-privsep
bench-privsep: $(B)/apps/st_bench $(B)/apps/httpd $(B)/apps/httpd-plain $(B)/apps/floors
	apps/privsep/bench/run.sh $(B)
