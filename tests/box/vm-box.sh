#!/bin/sh
# In the emulated machine: dunebox's tests, files from /extra (tests/box/box.mk).
export BOX_TEST_DIR=/var/tmp BOX_TEST_TIMEOUT=120 PATH=/usr/bin:/bin:/sbin
exec sh /extra/run.sh /extra/dunebox /extra/escape /extra/box-tests.list
