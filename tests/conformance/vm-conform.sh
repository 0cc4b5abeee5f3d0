#!/bin/sh
# In the emulated machine: the fast subset (fast.list) natively and in the
# box, files from /extra (Makefile: VM_EXTRA_FILES).
export CONFORM_DIR=/var/tmp CONFORM_SECONDS=1 CONFORM_WATCHDOG=120 PATH=/usr/bin:/bin:/sbin
exec sh /extra/conform.sh /extra/dunebox /extra/fast.list
