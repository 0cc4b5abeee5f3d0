# tests/box: dunebox's own tests (run.sh, box-tests.list), on this host and
# in the emulated SVM machine. escape is built with musl, statically.
MUSL_CC ?= musl-gcc

$(B)/box/escape: tests/box/escape.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O1 -Wall -Werror $< -o $@

# a program that finds its library next to it through RPATH $ORIGIN
$(B)/box/liborigin.so: tests/box/origin/origin_lib.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -shared -fPIC $< -o $@
$(B)/box/origin: tests/box/origin/origin_main.c $(B)/box/liborigin.so
	$(CC) -O1 $< -L$(B)/box -lorigin -Wl,-rpath,'$$ORIGIN' -o $@

# the red-team suite: attempts by class (redteam.c), the harness playing
# the host around them (redteam.sh); its table lands in build/box/
$(B)/box/redteam: tests/box/redteam.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O1 -Wall -Werror $< -o $@ -lpthread
$(B)/box/redteam-here: tests/box/box.mk
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\nREDTEAM_TABLE=%s exec %s %s %s %s\n' $(abspath $(B)/box/redteam-table.txt) \
		$(abspath tests/box/redteam.sh) $(abspath $(B)/dunebox) $(abspath $(B)/box/redteam) \
		$(abspath tests/box/redteam.policy) > $@
	@chmod +x $@

# the stress-ng-like loops of tests/conformance, compared with native runs
$(B)/box/conform: tests/box/conform.c tests/conformance/loops.c tests/conformance/loops.h
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O1 -Wall -Werror tests/box/conform.c tests/conformance/loops.c -o $@

# the same monitor, self-contained, for the machines (no libc in there)
$(B)/static/dunebox: $(RT_OBJS) $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) -static-pie $(RT_OBJS) $(B)/libdune.a -o $@ -lelf -lz -lpthread $(RT_LINK)

$(B)/box/untrusted: apps/untrusted/untrusted.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O1 -Wall -Werror $< -o $@

# for tools/run-tests: run.sh with this build's monitor, one result per test
$(B)/box/run-here: tests/box/box.mk
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\nexec %s %s %s %s\n' $(abspath tests/box/run.sh) $(abspath $(B)/dunebox) \
		$(abspath $(B)/box/escape) $(abspath tests/box/box-tests.list) > $@
	@chmod +x $@
# dunebox whose user mode fails to start (a link seam), and its check
$(B)/box/dunebox-no-user-mode: $(RT_OBJS) $(B)/libdune.a tests/box/no_user_mode.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LIBDUNE_CFLAGS) -pie -Wl,--wrap=dune_jump_to_user $(RT_OBJS) \
		tests/box/no_user_mode.c $(B)/libdune.a -o $@ -lelf -lpthread $(RT_LINK)
$(B)/box/user-mode-fails: tests/box/box.mk
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\nexec %s %s\n' $(abspath tests/box/user-mode-fails.sh) \
		$(abspath $(B)/box/dunebox-no-user-mode) > $@
	@chmod +x $@

$(B)/lists/box.list: $(B)/dunebox $(B)/box/escape $(B)/box/conform $(B)/box/run-here \
		     $(B)/box/origin $(B)/box/dunebox-no-user-mode $(B)/box/user-mode-fails \
		     $(B)/box/redteam $(B)/box/redteam-here
	@mkdir -p $(dir $@)
	@{ echo "box ../box/run-here 3600"; \
	   echo "box_user_mode_fails ../box/user-mode-fails 120"; \
	   echo "redteam ../box/redteam-here 3600"; } > $@

check-box: $(B)/lists/box.list
	tools/run-tests $<


all: $(B)/box/escape $(B)/box/conform $(B)/box/origin $(B)/box/redteam $(B)/box/untrusted \
	$(B)/static/dunebox
.PHONY: check-box
