# runtime/: dunebox, the sandbox (runtime/dunebox.c says how it runs). Its libraries
# (loader/, policy/, sysargs/) have standalone Makefiles for their own unit
# tests; here everything is built into one program.
RT_SRCS := $(wildcard runtime/*.c) $(wildcard runtime/loader/*.c) \
	   $(wildcard runtime/policy/*.c) $(wildcard runtime/sysargs/*.c) \
	   $(wildcard runtime/jail/*.c)
RT_HDRS := $(wildcard runtime/*.h runtime/*/*.h)
RT_OBJS := $(patsubst runtime/%.c,$(B)/runtime/%.o,$(RT_SRCS))

# the Debian libraries the outer layer links (runtime/jail)
RT_LINK := -lseccomp -lcap-ng

$(B)/runtime/%.o: runtime/%.c $(RT_HDRS) libdune/include/dune.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIE $(LIBDUNE_CFLAGS) -Iruntime -MMD -MP -c $< -o $@

-include $(RT_OBJS:.o=.d)

# a PIE: the monitor's own memory must lie above the program's region
$(B)/dunebox: $(RT_OBJS) $(B)/libdune.a
	$(CC) -pie $(RT_OBJS) $(B)/libdune.a -o $@ -lelf -lpthread $(RT_LINK)

# the test build: dunebox with --jail-native (the outer layer alone, tests/jail)
$(B)/test/runtime/dunebox.o: runtime/dunebox.c $(RT_HDRS) libdune/include/dune.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DDUNEBOX_TEST_BUILD -fPIE $(LIBDUNE_CFLAGS) -Iruntime -MMD -MP -c $< -o $@
RT_TEST_OBJS := $(filter-out $(B)/runtime/dunebox.o,$(RT_OBJS)) $(B)/test/runtime/dunebox.o
$(B)/test/dunebox: $(RT_TEST_OBJS) $(B)/libdune.a
	$(CC) -pie $(RT_TEST_OBJS) $(B)/libdune.a -o $@ -lelf -lpthread $(RT_LINK)

all: $(B)/dunebox $(B)/test/dunebox

# the library tests of runtime/ (cmocka), each built by its own Makefile
RT_LIBS := policy loader sysargs jail
RT_TEST_NAMES := $(foreach l,$(RT_LIBS),$(patsubst runtime/$(l)/tests/%.c,$(l)/%,\
	$(wildcard runtime/$(l)/tests/test_*.c)))
.PHONY: runtime-unit-tests
runtime-unit-tests:
	@for l in $(RT_LIBS); do $(MAKE) --no-print-directory -C runtime/$$l tests || exit 1; done
$(B)/lists/runtime.list: runtime-unit-tests
	@mkdir -p $(dir $@)
	@for t in $(RT_TEST_NAMES); do \
	  echo "$${t%%/*}_$${t#*/} ../../runtime/$${t%%/*}/build/tests/$${t#*/} 300"; done > $@

check-runtime-unit: $(B)/lists/runtime.list
	tools/run-tests $<
.PHONY: check-runtime-unit
