# tests/jail: attempts on dunebox's outer layer alone (the test build's
# --jail-native) and around the monitor, as root and, here, as a throwaway
# user (rootless); the same list in both emulated machines (as root).
$(B)/jail/jailbreak: tests/jail/jailbreak.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O1 -Wall -Werror $< -o $@

# the test build, self-contained, for the machines (files there go by name)
$(B)/static/dunebox-test: $(RT_TEST_OBJS) $(B)/libdune.a
	@mkdir -p $(dir $@)
	$(CC) -static-pie $(RT_TEST_OBJS) $(B)/libdune.a -o $@ -lelf -lz -lpthread $(RT_LINK)

check-jail: $(B)/test/dunebox $(B)/jail/jailbreak
	tests/jail/check-host.sh $(B)/test/dunebox $(B)/jail/jailbreak tests/jail/jail-tests.list

all: $(B)/jail/jailbreak $(B)/static/dunebox-test
.PHONY: check-jail
