# apps.mk - programs built on libdune, and the floors (apps/floors: raw
# /dev/kvm, no libdune), which bench links to print its rows in floor units.
APPS := $(B)/apps/demo $(B)/apps/bench $(B)/apps/floors

FLOORS_OBJS := $(addprefix $(B)/floors/,floors.o kvm_vm.o kvm_stats.o guest.o)

# timing helpers every benchmark shares
BENCH_CFLAGS := -Iapps/common

$(B)/floors/%.o: apps/floors/%.c apps/floors/*.h apps/common/bench_clock.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(BENCH_CFLAGS) -c $< -o $@

$(B)/floors/guest.o: apps/floors/guest.S apps/floors/guest_layout.h
	@mkdir -p $(dir $@)
	$(CC) -c $< -o $@

$(B)/apps/floors: apps/floors/main.c $(FLOORS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $^ -o $@

$(B)/apps/bench: apps/bench/*.c apps/floors/floors.h apps/common/bench_clock.h $(FLOORS_OBJS) $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LIBDUNE_CFLAGS) $(BENCH_CFLAGS) -Iapps/floors $(filter %.c,$^) $(FLOORS_OBJS) $(B)/libdune.a -o $@ -lpthread

$(B)/apps/%: apps/%/*.c $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LIBDUNE_CFLAGS) $(filter %.c,$^) $(B)/libdune.a -o $@ -lpthread

# the same, static, for the emulated machines (apps/floors/vm-bench.sh)
$(B)/static/floors: apps/floors/main.c $(FLOORS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static $^ -o $@

$(B)/static/bench: apps/bench/*.c apps/floors/floors.h apps/common/bench_clock.h $(FLOORS_OBJS) $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static $(LIBDUNE_CFLAGS) $(BENCH_CFLAGS) -Iapps/floors $(filter %.c,$^) $(FLOORS_OBJS) \
		$(B)/libdune.a -o $@ -lpthread

.PHONY: apps
apps: $(APPS)

include apps/gc/gc.mk
include apps/privsep/privsep.mk
