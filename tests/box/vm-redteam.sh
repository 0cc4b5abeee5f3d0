#!/bin/sh
# In the emulated machine: the red-team suite, files from /extra (tests/box/box.mk).
export BOX_TEST_DIR=/var/tmp BOX_TEST_TIMEOUT=900 PATH=/usr/bin:/bin:/sbin
exec sh /extra/redteam.sh /extra/dunebox /extra/redteam /extra/redteam.policy
