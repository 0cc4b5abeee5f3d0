# runtime/: dunebox, the sandbox (runtime/README.md). Its libraries
# (loader/, policy/, sysargs/) have standalone Makefiles for their own unit
# tests; here everything is built into one program.
RT_SRCS := $(wildcard runtime/*.c) $(wildcard runtime/loader/*.c) \
	   $(wildcard runtime/policy/*.c) $(wildcard runtime/sysargs/*.c) \
	   $(wildcard runtime/jail/*.c)
RT_HDRS := $(wildcard runtime/*.h runtime/*/*.h)
RT_OBJS := $(patsubst runtime/%.c,$(B)/runtime/%.o,$(RT_SRCS))

# the outer layer's libraries (runtime/jail)
RT_LIBS := -lseccomp -lcap-ng

$(B)/runtime/%.o: runtime/%.c $(RT_HDRS) libdune/include/dune.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIE $(LIBDUNE_CFLAGS) -Iruntime -c $< -o $@

# a PIE: the monitor's own memory must lie above the program's region
$(B)/dunebox: $(RT_OBJS) $(B)/libdune.a
	$(CC) -pie $(RT_OBJS) $(B)/libdune.a -o $@ -lelf -lpthread $(RT_LIBS)

# the test build: dunebox with --jail-native (the outer layer alone, tests/jail)
$(B)/test/runtime/dunebox.o: runtime/dunebox.c $(RT_HDRS) libdune/include/dune.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DDUNEBOX_TEST_BUILD -fPIE $(LIBDUNE_CFLAGS) -Iruntime -c $< -o $@
RT_TEST_OBJS := $(filter-out $(B)/runtime/dunebox.o,$(RT_OBJS)) $(B)/test/runtime/dunebox.o
$(B)/test/dunebox: $(RT_TEST_OBJS) $(B)/libdune.a
	$(CC) -pie $(RT_TEST_OBJS) $(B)/libdune.a -o $@ -lelf -lpthread $(RT_LIBS)

all: $(B)/dunebox $(B)/test/dunebox
