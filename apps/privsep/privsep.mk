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

$(PS_B)/plain.o: $(PS)/plain/sthread_plain.c $(PS)/include/sthread.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIE -I$(PS)/include -c $< -o $@

# tests: one program per scenario, here and (static) in both machines
PS_TEST_NAMES := $(patsubst $(PS)/tests/%.c,%,$(wildcard $(PS)/tests/st_*.c))
PS_TESTS := $(addprefix $(PS_B)/tests/,$(PS_TEST_NAMES))
PS_STATIC_TESTS := $(addprefix $(B)/static/privsep/,$(PS_TEST_NAMES))

$(PS_B)/tests/%: $(PS)/tests/%.c $(PS)/tests/*.h $(B)/libsthread.a $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PS_CFLAGS) $< $(B)/libsthread.a $(B)/libdune.a -o $@ $(PS_LIBS)

$(B)/static/privsep/%: $(PS)/tests/%.c $(PS)/tests/*.h $(B)/libsthread.a $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static $(PS_CFLAGS) $< $(B)/libsthread.a $(B)/libdune.a -o $@ $(PS_LIBS)

$(B)/lists/privsep.list: $(PS_TESTS)
	@mkdir -p $(dir $@)
	@for n in $(PS_TEST_NAMES); do echo "$$n ../privsep/tests/$$n 300"; done > $@

$(B)/static/privsep/privsep.list: $(PS_STATIC_TESTS)
	@for n in $(PS_TEST_NAMES); do echo "$$n $$n 300"; done > $@

.PHONY: privsep check-privsep
privsep: $(B)/libsthread.a $(PS_TESTS) $(PS_STATIC_TESTS) $(B)/static/privsep/privsep.list
check-privsep: privsep $(B)/lists/privsep.list
	tools/run-tests $(B)/lists/privsep.list
