#!/bin/sh
# In the emulated machines: the demo server's test, its binaries from /extra
# (apps/privsep/privsep.mk, VM_EXTRA_FILES).
exec /extra/httpd_test /extra/httpd /extra/httpd-plain
