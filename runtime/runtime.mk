# runtime/: dunebox, the sandbox (runtime/README.md). Its libraries
# (loader/, policy/, sysargs/) have standalone Makefiles for their own unit
# tests; here everything is built into one program.
RT_SRCS := $(wildcard runtime/*.c) $(wildcard runtime/loader/*.c) \
	   $(wildcard runtime/policy/*.c) $(wildcard runtime/sysargs/*.c)
RT_HDRS := $(wildcard runtime/*.h runtime/*/*.h)
RT_OBJS := $(patsubst runtime/%.c,$(B)/runtime/%.o,$(RT_SRCS))

$(B)/runtime/%.o: runtime/%.c $(RT_HDRS) libdune/include/dune.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIE $(LIBDUNE_CFLAGS) -Iruntime -c $< -o $@

# a PIE: the monitor's own memory must lie above the program's region
$(B)/dunebox: $(RT_OBJS) $(B)/libdune.a
	$(CC) -pie $(RT_OBJS) $(B)/libdune.a -o $@ -lelf -lpthread

all: $(B)/dunebox
