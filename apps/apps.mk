# apps.mk - programs built on libdune.
APPS := $(B)/apps/demo $(B)/apps/bench

$(B)/apps/%: apps/%/*.c $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LIBDUNE_CFLAGS) $(filter %.c,$^) $(B)/libdune.a -o $@ -lpthread

.PHONY: apps
apps: $(APPS)
