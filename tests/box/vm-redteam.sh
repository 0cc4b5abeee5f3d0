#!/bin/sh
# In the emulated machine: the red-team suite, files from /extra (tests/box/box.mk).
# Every class and host check, with the monitor alone (--inner-only: the
# layer this suite is about) and races of 100 rounds, for the machine's time.
export BOX_TEST_DIR=/var/tmp BOX_TEST_TIMEOUT=600 PATH=/usr/bin:/bin:/sbin
export REDTEAM_MODES=inner-only REDTEAM_ROUNDS=100
exec sh /extra/redteam.sh /extra/dunebox /extra/redteam /extra/redteam.policy
